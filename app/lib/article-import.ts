// Reading article files for `npm run article:import`. Two layouts:
//
// 1. Markdown with YAML front matter (parsed by gray-matter): title, slug, byline,
//    categories, highlights, published_at, comments_open, excerpt; the body after it.
// 2. Plain text as copied from a news page: the title on the first line, a
//    "Highlights" line with bullets, then the body, whose bulleted and numbered
//    lists become Markdown lists; "(opens in a new tab)" marks are dropped and the
//    "Spread the word / CATEGORIES / Leave a Reply" footer is left out.
//
// Pure: text in, an article or an error naming the line out. Nothing touches the database.
import matter from "gray-matter";

export interface ImportedArticle {
  title: string;
  /** Empty: made from the title. */
  slug: string;
  byline: string;
  /** Category names (created when missing); undefined: keep the article's own. */
  categories: string[] | undefined;
  /** Tickers as cashtags are written (`ASX:LYC`, `MP`, `$LYC.AX`); undefined: keep the article's own. */
  tickers?: string[] | undefined;
  highlights: string[];
  bodyMarkdown: string;
  excerpt: string;
  /** undefined: keep the article's publication as it is (a new one is a draft). */
  publishedAt: Date | null | undefined;
  commentsOpen: boolean | undefined;
}

export type ParseOutcome = { ok: true; article: ImportedArticle; format: "markdown" | "text" } | { ok: false; line: number; message: string };

const FRONT_MATTER_KEYS = ["title", "slug", "byline", "categories", "tickers", "highlights", "published_at", "comments_open", "excerpt"] as const;

const NEW_TAB = /\s*\(opens in a new tab\)/gi;

function fail(line: number, message: string): ParseOutcome {
  return { ok: false, line, message };
}

export function parseArticleFile(text: string): ParseOutcome {
  if (text.includes("\u0000")) return fail(1, "this is not a text file");
  const normalized = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (/^---\s*\n/.test(normalized)) return parseMarkdown(normalized);
  return parseText(normalized);
}

// --- Markdown with front matter -----------------------------------------------------

function keyLine(lines: string[], key: string): number {
  const index = lines.findIndex((l) => new RegExp(`^${key}\\s*:`).test(l));
  return index >= 0 ? index + 2 : 1;
}

function stringList(value: unknown): string[] | null {
  if (typeof value === "string") return value.split(",").map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number")) return value.map((v) => String(v).trim()).filter(Boolean);
  return null;
}

function parseMarkdown(text: string): ParseOutcome {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // A fresh object each time: gray-matter caches by content otherwise.
    parsed = matter(text, {});
  } catch (error) {
    const mark = (error as { mark?: { line?: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? (error instanceof Error ? error.message.split("\n")[0] : String(error));
    // gray-matter hands YAML the front matter with its leading newline: its line N (from 0) is the file's line N + 1.
    return fail(typeof mark?.line === "number" ? mark.line + 1 : 1, `the front matter is not valid YAML: ${reason}`);
  }
  const fmLines = parsed.matter.replace(/^\n/, "").split("\n");
  const data = parsed.data as Record<string, unknown>;
  if (typeof data !== "object" || data === null || Array.isArray(data)) return fail(2, "the front matter must be a list of fields (key: value)");
  for (const key of Object.keys(data)) {
    if (!(FRONT_MATTER_KEYS as readonly string[]).includes(key)) {
      return fail(keyLine(fmLines, key), `unknown field "${key}" (known: ${FRONT_MATTER_KEYS.join(", ")})`);
    }
  }
  const title = typeof data.title === "string" ? data.title.trim() : "";
  if (!title) return fail(data.title === undefined ? 1 : keyLine(fmLines, "title"), "the front matter needs a title");
  if (title.length > 300) return fail(keyLine(fmLines, "title"), "the title is longer than 300 characters");
  const slug = data.slug === undefined ? "" : String(data.slug).trim();
  if (slug && !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) return fail(keyLine(fmLines, "slug"), `the slug "${slug}" must be lower-case letters, digits and single hyphens`);
  const categories = data.categories === undefined ? undefined : stringList(data.categories);
  if (categories === null) return fail(keyLine(fmLines, "categories"), "categories must be a list of names");
  const tickers = data.tickers === undefined ? undefined : stringList(data.tickers);
  if (tickers === null) return fail(keyLine(fmLines, "tickers"), "tickers must be a list of symbols (for example [ASX:LYC, NYSE:MP])");
  const highlights = data.highlights === undefined ? [] : stringList(data.highlights);
  if (highlights === null) return fail(keyLine(fmLines, "highlights"), "highlights must be a list of sentences");
  let publishedAt: Date | null | undefined;
  if (data.published_at === null || data.published_at === "") publishedAt = null;
  else if (data.published_at !== undefined) {
    const date = data.published_at instanceof Date ? data.published_at : new Date(String(data.published_at));
    if (Number.isNaN(date.getTime())) return fail(keyLine(fmLines, "published_at"), `published_at "${String(data.published_at)}" is not a date and time (e.g. 2026-06-01T09:30:00Z)`);
    publishedAt = date;
  }
  if (data.comments_open !== undefined && typeof data.comments_open !== "boolean") {
    return fail(keyLine(fmLines, "comments_open"), "comments_open must be true or false");
  }
  const body = parsed.content.replace(NEW_TAB, "").trim();
  if (!body) return fail(text.split("\n").length, "the article has no body after the front matter");
  return {
    ok: true,
    format: "markdown",
    article: {
      title,
      slug,
      byline: data.byline === undefined ? "" : String(data.byline).trim(),
      categories,
      tickers: tickers?.map((t) => t.replace(/^\$/, "")),
      highlights,
      bodyMarkdown: body,
      excerpt: data.excerpt === undefined ? "" : String(data.excerpt).trim(),
      publishedAt,
      commentsOpen: data.comments_open as boolean | undefined,
    },
  };
}

// --- plain text -----------------------------------------------------------------------

const BULLET = /^\s*[•●▪◦‣∙*-]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,3})[.)]\s+(.*)$/;
const FOOTER = /^\s*(spread the word:?|categories:.*|leave a reply)\s*$/i;

/** Plain words as Markdown text: nothing in them may turn into markup. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, "\\$1");
}

function clean(text: string): string {
  return text.replace(NEW_TAB, "").replace(/\s+/g, " ").trim();
}

function parseText(text: string): ParseOutcome {
  const lines = text.split("\n");
  let i = 0;
  while (i < lines.length && !lines[i]!.trim()) i++;
  if (i >= lines.length) return fail(1, "the file is empty");
  const title = clean(lines[i]!);
  if (title.length > 300) return fail(i + 1, "the first line (the title) is longer than 300 characters");
  if (BULLET.test(lines[i]!) || NUMBERED.test(lines[i]!)) return fail(i + 1, "the first line must be the title, not a list item");
  i++;
  while (i < lines.length && !lines[i]!.trim()) i++;

  const highlights: string[] = [];
  if (i < lines.length && /^\s*highlights:?\s*$/i.test(lines[i]!)) {
    const headingLine = i + 1;
    i++;
    while (i < lines.length) {
      const line = lines[i]!;
      if (!line.trim()) {
        i++;
        continue;
      }
      const bullet = BULLET.exec(line);
      if (!bullet) break;
      highlights.push(clean(bullet[1]!));
      i++;
    }
    if (highlights.length === 0) return fail(headingLine, '"Highlights" is not followed by any bullet points');
  }

  let categories: string[] | undefined;
  const blocks: { kind: "p" | "ul" | "ol"; text: string; n?: number }[] = [];
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (FOOTER.test(line)) {
      // The page's footer: nothing after it is the article. Its categories, if it names any, are kept.
      for (const rest of lines.slice(i)) {
        const m = /^\s*categories:(.*)$/i.exec(rest);
        if (m) {
          const names = m[1]!.split(",").map((s) => s.trim()).filter(Boolean);
          if (names.length) categories = names;
        }
      }
      break;
    }
    if (!line.trim()) continue;
    const bullet = BULLET.exec(line);
    const numbered = NUMBERED.exec(line);
    if (bullet) blocks.push({ kind: "ul", text: clean(bullet[1]!) });
    else if (numbered) blocks.push({ kind: "ol", text: clean(numbered[2]!), n: Number(numbered[1]) });
    else blocks.push({ kind: "p", text: clean(line) });
  }
  if (!blocks.some((b) => b.kind === "p" || b.text)) return fail(lines.length, "the article has no body");

  const out: string[] = [];
  let previous: "p" | "ul" | "ol" | null = null;
  for (const block of blocks) {
    if (!block.text) continue;
    // Items of one list stay together; anything else is its own block.
    if (previous !== null && !(block.kind !== "p" && block.kind === previous)) out.push("");
    if (block.kind === "ul") out.push(`- ${escapeMarkdown(block.text)}`);
    else if (block.kind === "ol") out.push(`${block.n}. ${escapeMarkdown(block.text)}`);
    else out.push(escapeMarkdown(block.text).replace(/^(\d+)\./, "$1\\."));
    previous = block.kind;
  }
  return {
    ok: true,
    format: "text",
    article: {
      title,
      slug: "",
      byline: "",
      categories,
      highlights,
      bodyMarkdown: out.join("\n"),
      excerpt: "",
      publishedAt: undefined,
      commentsOpen: undefined,
    },
  };
}
