// Imported HTML (WordPress posts and comments, Disqus messages) as our Markdown,
// with turndown. The Markdown is then rendered and sanitised as every article
// and comment is (markdown.server.ts): nothing of the old HTML reaches a page
// unsanitised.
import TurndownService from "turndown";

// What a page must never run or embed; the rest becomes Markdown or plain text.
const DROPPED = ["script", "style", "iframe", "noscript", "object", "embed", "form", "button", "select", "textarea", "input"] as const;

function service(kind: "article" | "comment"): TurndownService {
  const td = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced", bulletListMarker: "-", emDelimiter: "*", hr: "---" });
  td.remove([...DROPPED]);
  // Markdown has no tables without a plugin: articles keep them as HTML (the
  // article sanitiser allows tables); comments get their text.
  if (kind === "article") td.keep(["table"]);
  // Text that reads like markup (a "<" or an entity, from &lt; or &amp;amp;) must stay text:
  // turndown leaves those to the HTML it expects to be rendered, our sanitiser would drop them.
  const escape = td.escape.bind(td);
  td.escape = (text: string) => escape(text).replace(/[<&]/g, "\\$&");
  return td;
}

const articleService = service("article");
const commentService = service("comment");

const BLOCK_START =
  /^(?:<\/?(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|thead|tbody|tfoot|tr|td|th|figure|figcaption|hr|dl|dt|dd|address|section|article|aside|header|footer|nav|details|summary)\b|<!--|\u0000)/i;

/**
 * WordPress keeps paragraphs as blank lines and line breaks as newlines, and adds
 * the <p> and <br> when it shows the text (wpautop): the same here, so turndown,
 * which reads HTML, does not run every paragraph into one. <pre> keeps its lines.
 */
export function autop(html: string): string {
  const pres: string[] = [];
  const text = html
    .replace(/\r\n?/g, "\n")
    .replace(/<pre[\s>][\s\S]*?<\/pre>/gi, (block) => `\u0000${pres.push(block) - 1}\u0000`);
  const out: string[] = [];
  for (const chunk of text.split(/\n[ \t]*\n+/)) {
    const trimmed = chunk.trim();
    if (!trimmed) continue;
    out.push(BLOCK_START.test(trimmed) ? trimmed : `<p>${trimmed.replace(/\n/g, "<br>\n")}</p>`);
  }
  return out.join("\n").replace(/\u0000(\d+)\u0000/g, (_m, i: string) => pres[Number(i)]!);
}

/** [caption …]<img …> Words[/caption] and the like: the picture and its words stay, the shortcode goes. */
function dropCaptionShortcodes(html: string): string {
  return html.replace(/\[caption[^\]]*\]([\s\S]*?)\[\/caption\]/gi, "$1");
}

/** Plain text with no markup at all: escaped line by line (the common comment; much faster than turndown). */
function plainTextToMarkdown(text: string, td: TurndownService): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n+/)
    .map((p) =>
      p
        .split("\n")
        .map((line) => td.escape(line.trim()))
        .filter(Boolean)
        .join("\n"),
    )
    .filter(Boolean)
    .join("\n\n");
}

/** A WordPress post's content (classic or block editor) as Markdown for an article. */
export function postHtmlToMarkdown(html: string): string {
  if (!/[<&]/.test(html)) return plainTextToMarkdown(html, articleService);
  return articleService.turndown(autop(dropCaptionShortcodes(html))).trim();
}

/** A comment's HTML (WordPress's, or a Disqus message) as comment Markdown. */
export function commentHtmlToMarkdown(html: string): string {
  if (!/[<&]/.test(html)) return plainTextToMarkdown(html, commentService);
  return commentService.turndown(autop(html)).trim();
}
