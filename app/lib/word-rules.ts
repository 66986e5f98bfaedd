// Pure helpers for the moderation rules that look at what a person typed: word
// lists (held and blocked words) and counting links. No database, no Remix.

/** One entry per line (or comma), trimmed, lower case, without duplicates or blanks. */
export function parseWordList(text: string): string[] {
  const words = text
    .split(/[\n,]/)
    .map((word) => word.trim().replace(/\s+/g, " ").toLowerCase())
    .filter((word) => word.length > 0 && word.length <= 100);
  return [...new Set(words)].slice(0, 1000);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A pattern that finds `word` as a whole word, whatever its case: "pump" matches
 * "PUMP it" and "pump-and-dump" but not "pumpkin". An entry of several words
 * matches them with any spacing between ("pump and dump" ~ "Pump  and dump").
 */
export function wordPattern(word: string): RegExp {
  const body = word.trim().split(/\s+/).map(escapeRegExp).join("\\s+");
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, "iu");
}

export interface WordMatch {
  word: string;
  /** Which part of the comment matched, e.g. "comment", "name", "email", "website". */
  field: string;
}

/** The first listed word found in any of the fields, or null. */
export function findListedWord(fields: Record<string, string>, words: readonly string[]): WordMatch | null {
  for (const word of words) {
    if (!word.trim()) continue;
    const pattern = wordPattern(word);
    for (const [field, text] of Object.entries(fields)) {
      if (text && pattern.test(text)) return { word, field };
    }
  }
  return null;
}

/** How many links a rendered (sanitized) comment holds: Markdown links and bare URLs alike. */
export function countLinks(html: string): number {
  return (html.match(/<a\s/gi) ?? []).length;
}
