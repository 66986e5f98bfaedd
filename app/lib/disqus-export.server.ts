// A Disqus export (Admin › Moderation › Export: <disqus> with its <category>,
// <thread> and <post> elements), read as a stream of records in file order.
// Only parsing: nothing here touches the database.
import { streamXml } from "./xml-stream.server";

export interface DisqusAuthor {
  name: string;
  email: string;
  username: string;
  isAnonymous: boolean;
}

export interface DisqusThread {
  kind: "thread";
  line: number;
  /** dsq:id: what posts refer to. */
  dsqId: string;
  forum: string;
  /** The page the thread belongs to: matched to an article's canonical URL. */
  link: string;
  title: string;
  messageHtml: string;
  createdAt: string;
  isClosed: boolean;
  isDeleted: boolean;
}

export interface DisqusPost {
  kind: "post";
  line: number;
  dsqId: string;
  messageHtml: string;
  createdAt: string;
  isDeleted: boolean;
  isSpam: boolean;
  /** Absent from most exports; false: waiting for a moderator. */
  isApproved: boolean | null;
  author: DisqusAuthor;
  ipAddress: string;
  threadDsqId: string;
  /** "" for a top-level post. */
  parentDsqId: string;
}

export type DisqusRecord = DisqusThread | DisqusPost;

const isTrue = (text: string) => text.trim().toLowerCase() === "true";

/** The threads and posts of a Disqus export; a malformed file throws ExportFileError with its line and column. */
export function readDisqusExport(file: string | NodeJS.ReadableStream): AsyncGenerator<DisqusRecord> {
  const out: DisqusRecord[] = [];
  let thread: DisqusThread | null = null;
  let post: DisqusPost | null = null;
  let sawRoot = false;

  return streamXml(
    file,
    (position, fail) => ({
      open(tag, path) {
        const depth = path.length;
        if (depth === 1) {
          if (tag.name !== "disqus") fail(`this is not a Disqus export: its first element is <${tag.name}>, not <disqus>`);
          sawRoot = true;
          return;
        }
        if (depth === 2) {
          const line = position().line;
          const dsqId = tag.attributes["dsq:id"] ?? "";
          if (tag.name === "thread") thread = { kind: "thread", line, dsqId, forum: "", link: "", title: "", messageHtml: "", createdAt: "", isClosed: false, isDeleted: false };
          else if (tag.name === "post") {
            post = {
              kind: "post",
              line,
              dsqId,
              messageHtml: "",
              createdAt: "",
              isDeleted: false,
              isSpam: false,
              isApproved: null,
              author: { name: "", email: "", username: "", isAnonymous: false },
              ipAddress: "",
              threadDsqId: "",
              parentDsqId: "",
            };
          }
          return;
        }
        if (depth === 3 && post) {
          if (tag.name === "thread") post.threadDsqId = tag.attributes["dsq:id"] ?? "";
          else if (tag.name === "parent") post.parentDsqId = tag.attributes["dsq:id"] ?? "";
        }
      },
      close(name, text, path) {
        const depth = path.length;
        if (depth === 1 && !sawRoot) fail("this is not a Disqus export");
        if (depth === 2) {
          if (name === "thread" && thread) out.push(thread);
          else if (name === "post" && post) out.push(post);
          thread = null;
          post = null;
          return;
        }
        if (depth === 3 && thread) {
          if (name === "forum") thread.forum = text.trim();
          else if (name === "link") thread.link = text.trim();
          else if (name === "title") thread.title = text.trim();
          else if (name === "message") thread.messageHtml = text;
          else if (name === "createdAt") thread.createdAt = text.trim();
          else if (name === "isClosed") thread.isClosed = isTrue(text);
          else if (name === "isDeleted") thread.isDeleted = isTrue(text);
          return;
        }
        if (depth === 3 && post) {
          if (name === "message") post.messageHtml = text;
          else if (name === "createdAt") post.createdAt = text.trim();
          else if (name === "isDeleted") post.isDeleted = isTrue(text);
          else if (name === "isSpam") post.isSpam = isTrue(text);
          else if (name === "isApproved") post.isApproved = isTrue(text);
          else if (name === "ipAddress") post.ipAddress = text.trim();
          return;
        }
        if (depth === 4 && post && path[2] === "author") {
          if (name === "name") post.author.name = text.trim();
          else if (name === "email") post.author.email = text.trim();
          else if (name === "username") post.author.username = text.trim();
          else if (name === "isAnonymous") post.author.isAnonymous = isTrue(text);
        }
      },
    }),
    () => out.splice(0),
  );
}
