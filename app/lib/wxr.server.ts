// WordPress eXtended RSS (WXR 1.0–1.2, what Tools › Export writes), read as a
// stream of records: first the site (its address, authors, categories, tags),
// then one record per <item> with its comments. Only parsing: nothing here
// touches the database. Unknown elements are ignored, as WordPress's own
// importer does.
import { streamXml } from "./xml-stream.server";

export interface WxrCategory {
  /** The category's slug on WordPress (wp:category_nicename). */
  nicename: string;
  name: string;
  /** The parent's nicename, "" for a top-level category. */
  parent: string;
  description: string;
}

export interface WxrTag {
  slug: string;
  name: string;
  description: string;
}

export interface WxrSite {
  kind: "site";
  title: string;
  /** wp:base_blog_url (else wp:base_site_url, else the channel link): the site's key for reruns. */
  baseUrl: string;
  wxrVersion: string;
  /** Login → display name, for bylines. */
  authors: Map<string, string>;
  categories: WxrCategory[];
  tags: WxrTag[];
}

export interface WxrComment {
  id: string;
  /** "0" or "": a top-level comment. */
  parentId: string;
  author: string;
  authorEmail: string;
  authorUrl: string;
  authorIp: string;
  /** "YYYY-MM-DD HH:MM:SS"; the GMT one may be all zeros. */
  dateGmt: string;
  date: string;
  contentHtml: string;
  /** "1", "0", "spam", "trash", "post-trashed". */
  approved: string;
  /** "" or "comment" for a comment; "pingback", "trackback", or a plugin's own type. */
  type: string;
}

export interface WxrItem {
  kind: "item";
  /** Where the item starts in the file, for messages. */
  line: number;
  postId: string;
  title: string;
  link: string;
  guid: string;
  creator: string;
  contentHtml: string;
  excerptHtml: string;
  postDate: string;
  postDateGmt: string;
  postName: string;
  status: string;
  postType: string;
  commentStatus: string;
  categories: { domain: string; nicename: string; name: string }[];
  comments: WxrComment[];
}

export type WxrRecord = WxrSite | WxrItem;

function emptyComment(): WxrComment {
  return { id: "", parentId: "", author: "", authorEmail: "", authorUrl: "", authorIp: "", dateGmt: "", date: "", contentHtml: "", approved: "", type: "" };
}

function emptyItem(line: number): WxrItem {
  return {
    kind: "item",
    line,
    postId: "",
    title: "",
    link: "",
    guid: "",
    creator: "",
    contentHtml: "",
    excerptHtml: "",
    postDate: "",
    postDateGmt: "",
    postName: "",
    status: "",
    postType: "",
    commentStatus: "",
    categories: [],
    comments: [],
  };
}

const ITEM_FIELDS: Record<string, keyof WxrItem> = {
  title: "title",
  link: "link",
  guid: "guid",
  "dc:creator": "creator",
  "content:encoded": "contentHtml",
  "excerpt:encoded": "excerptHtml",
  "wp:post_id": "postId",
  "wp:post_date": "postDate",
  "wp:post_date_gmt": "postDateGmt",
  "wp:post_name": "postName",
  "wp:status": "status",
  "wp:post_type": "postType",
  "wp:comment_status": "commentStatus",
};

const COMMENT_FIELDS: Record<string, keyof WxrComment> = {
  "wp:comment_id": "id",
  "wp:comment_parent": "parentId",
  "wp:comment_author": "author",
  "wp:comment_author_email": "authorEmail",
  "wp:comment_author_url": "authorUrl",
  "wp:comment_author_IP": "authorIp",
  "wp:comment_date": "date",
  "wp:comment_date_gmt": "dateGmt",
  "wp:comment_content": "contentHtml",
  "wp:comment_approved": "approved",
  "wp:comment_type": "type",
};

/** The records of a WXR file, in file order; a malformed file throws ExportFileError with its line and column. */
export function readWxr(file: string | NodeJS.ReadableStream): AsyncGenerator<WxrRecord> {
  const out: WxrRecord[] = [];
  const site: WxrSite = { kind: "site", title: "", baseUrl: "", wxrVersion: "", authors: new Map(), categories: [], tags: [] };
  let channelLink = "";
  let baseSiteUrl = "";
  let siteSent = false;
  let item: WxrItem | null = null;
  let comment: WxrComment | null = null;
  let category: WxrCategory | null = null;
  let tag: WxrTag | null = null;
  let author: { login: string; name: string } | null = null;
  let itemCategory: { domain: string; nicename: string } | null = null;

  const sendSite = () => {
    if (siteSent) return;
    siteSent = true;
    site.baseUrl ||= baseSiteUrl || channelLink;
    out.push(site);
  };

  return streamXml(
    file,
    (position, fail) => ({
      open(tag_, path) {
        const depth = path.length;
        if (depth === 1) {
          if (tag_.name !== "rss") fail(`this is not a WordPress export (WXR): its first element is <${tag_.name}>, not <rss>`);
          return;
        }
        if (depth === 2 && tag_.name !== "channel") return;
        if (depth === 3 && path[1] === "channel") {
          if (tag_.name === "item") {
            sendSite();
            item = emptyItem(position().line);
          } else if (tag_.name === "wp:category") category = { nicename: "", name: "", parent: "", description: "" };
          else if (tag_.name === "wp:tag") tag = { slug: "", name: "", description: "" };
          else if (tag_.name === "wp:author") author = { login: "", name: "" };
          return;
        }
        if (item && depth === 4) {
          if (tag_.name === "wp:comment") comment = emptyComment();
          else if (tag_.name === "category") itemCategory = { domain: tag_.attributes.domain ?? "category", nicename: tag_.attributes.nicename ?? "" };
        }
      },
      close(name, text, path) {
        const depth = path.length;
        if (depth === 2 && name === "channel") {
          sendSite();
          return;
        }
        if (depth === 1 && name === "rss" && !siteSent) fail("this is not a WordPress export (WXR): it has no <channel>");
        if (path[1] !== "channel") return;
        if (depth === 4 && category) {
          if (name === "wp:category_nicename") category.nicename = text.trim();
          else if (name === "wp:cat_name") category.name = text.trim();
          else if (name === "wp:category_parent") category.parent = text.trim();
          else if (name === "wp:category_description") category.description = text.trim();
          return;
        }
        if (depth === 4 && tag) {
          if (name === "wp:tag_slug") tag.slug = text.trim();
          else if (name === "wp:tag_name") tag.name = text.trim();
          else if (name === "wp:tag_description") tag.description = text.trim();
          return;
        }
        if (depth === 4 && author) {
          if (name === "wp:author_login") author.login = text.trim();
          else if (name === "wp:author_display_name") author.name = text.trim();
          return;
        }
        if (depth === 3) {
          if (name === "item" && item) {
            out.push(item);
            item = null;
          } else if (name === "wp:category" && category) {
            if (category.nicename) site.categories.push(category);
            category = null;
          } else if (name === "wp:tag" && tag) {
            if (tag.slug) site.tags.push(tag);
            tag = null;
          } else if (name === "wp:author" && author) {
            if (author.login) site.authors.set(author.login, author.name || author.login);
            author = null;
          } else if (!siteSent) {
            if (name === "title") site.title = text.trim();
            else if (name === "link") channelLink = text.trim();
            else if (name === "wp:base_site_url") baseSiteUrl = text.trim();
            else if (name === "wp:base_blog_url") site.baseUrl = text.trim();
            else if (name === "wp:wxr_version") site.wxrVersion = text.trim();
          }
          return;
        }
        if (!item) return;
        if (depth === 5 && comment) {
          const field = COMMENT_FIELDS[name];
          if (field) comment[field] = field === "contentHtml" ? text : text.trim();
          return;
        }
        if (depth === 4) {
          if (name === "wp:comment" && comment) {
            item.comments.push(comment);
            comment = null;
          } else if (name === "category" && itemCategory) {
            item.categories.push({ ...itemCategory, name: text.trim() });
            itemCategory = null;
          } else {
            const field = ITEM_FIELDS[name];
            if (field) (item as unknown as Record<string, string>)[field] = field === "contentHtml" || field === "excerptHtml" ? text : text.trim();
          }
        }
      },
    }),
    () => out.splice(0),
  );
}
