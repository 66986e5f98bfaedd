// Markdown to safe HTML. Everything a person typed goes through `marked` and then
// `sanitize-html` with a small allowlist; the result is stored once, at write time.
import { Marked, type Tokens } from "marked";
import sanitizeHtml from "sanitize-html";
import { cashtagExtension, type Cashtag } from "./cashtags";

/** Where a known ticker's cashtag links (resolved by app/models/tickers.server.ts), else null. */
export interface RenderOptions {
  cashtagHref?: (tag: Cashtag) => string | null;
}

/** A cashtag of a known ticker becomes a link to its page; any other stays the text written. */
function cashtags(options: RenderOptions | undefined) {
  const hrefFor = options?.cashtagHref;
  return cashtagExtension((tag) => {
    const href = hrefFor?.(tag);
    return href ? `<a class="cashtag" href="${escapeAttribute(href)}">${tag.text}</a>` : tag.text;
  });
}

const SAFE_SCHEMES = ["http", "https", "mailto"];

/** Absolute links leave the site; relative ones and #anchors stay. */
function isExternal(href: string): boolean {
  return /^(https?:)?\/\//i.test(href.trim());
}

const commentMarked = new Marked({ gfm: true, breaks: true });

const COMMENT_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "strong", "b", "em", "i", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a"],
  // `rel` is always overwritten by the transform below, never taken from the input.
  allowedAttributes: { a: ["href", "title", "rel", "class"] },
  allowedClasses: { a: ["cashtag"] },
  allowedSchemes: SAFE_SCHEMES,
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    // Headings in a comment would shout over the article: they become paragraphs.
    h1: "p",
    h2: "p",
    h3: "p",
    h4: "p",
    h5: "p",
    h6: "p",
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: "nofollow ugc noopener" } }),
  },
};

/** A comment body: Markdown to HTML that can hold no script, links marked as user content. */
export function renderCommentMarkdown(markdown: string, options?: RenderOptions): string {
  const marked = options?.cashtagHref ? new Marked({ gfm: true, breaks: true, extensions: [cashtags(options)] }) : commentMarked;
  const html = marked.parse(markdown, { async: false });
  return sanitizeHtml(html, COMMENT_OPTIONS).trim();
}

const articleRenderer = {
  // Links to other sites open in a new tab and say so to screen readers.
  link(this: { parser: { parseInline(tokens: Tokens.Generic[]): string } }, token: Tokens.Link) {
    const text = this.parser.parseInline(token.tokens);
    const title = token.title ? ` title="${escapeAttribute(token.title)}"` : "";
    const href = escapeAttribute(token.href);
    if (!isExternal(token.href)) return `<a href="${href}"${title}>${text}</a>`;
    return `<a href="${href}"${title} target="_blank" rel="noopener noreferrer nofollow">${text}<span class="visually-hidden"> (opens in a new tab)</span></a>`;
  },
};
const articleMarked = new Marked({ gfm: true, renderer: articleRenderer });

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const ARTICLE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "h2", "h3", "h4", "p", "br", "hr", "strong", "b", "em", "i", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "span", "figure", "figcaption", "img",
    "table", "thead", "tbody", "tr", "th", "td",
  ],
  allowedAttributes: {
    a: ["href", "title", "target", "rel", "class"],
    span: ["class"],
    img: ["src", "alt", "title", "width", "height"],
    ol: ["start"],
  },
  allowedClasses: { span: ["visually-hidden"], a: ["cashtag"] },
  allowedSchemes: SAFE_SCHEMES,
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  transformTags: {
    h1: "h2",
    // Raw <a> tags in an article get the same treatment as Markdown links.
    a: (tagName, attribs) => {
      const href = attribs.href ?? "";
      if (!isExternal(href)) {
        const { target: _target, rel: _rel, ...rest } = attribs;
        return { tagName, attribs: rest };
      }
      return { tagName, attribs: { ...attribs, target: "_blank", rel: "noopener noreferrer nofollow" } };
    },
  },
};

/** An article body, written by editors: a wider allowlist, still no script. */
export function renderArticleMarkdown(markdown: string, options?: RenderOptions): string {
  const marked = options?.cashtagHref
    ? new Marked({ gfm: true, renderer: articleRenderer, extensions: [cashtags(options)] })
    : articleMarked;
  const html = marked.parse(markdown, { async: false });
  return sanitizeHtml(html, ARTICLE_OPTIONS).trim();
}

/** Plain text for excerpts and feeds. */
export function markdownToText(markdown: string): string {
  return htmlToText(commentMarked.parse(markdown, { async: false }));
}

/**
 * HTML that sanitize-html wrote (a stored comment body) as plain text, the same text
 * htmlToText gives, without parsing it again: read on every rendered article page
 * (structured data), where parsing 200 comments cost more than the rest of the page.
 * Exact only for such HTML: sanitize-html escapes every "<" and ">" outside a tag
 * (text and attribute values alike) and keeps no script or style, so each tag is
 * one `<…>` and what remains is text with &amp; &lt; &gt; &quot; as its only entities.
 */
export function sanitizedHtmlToText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&(lt|gt|quot|#39|amp);/g, (_entity, name: string) => SANITIZED_ENTITIES[name]!)
    // As /\s+/ to " ", without replacing every single space by itself (most of the cost).
    .replace(/\s\s+|[^\S ]/g, " ")
    .trim();
}

const SANITIZED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" };

/** Rendered HTML as plain text (structured data, excerpts): tags dropped, entities read. */
export function htmlToText(html: string): string {
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}
