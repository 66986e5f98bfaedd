// A revision against the current article, field by field, as added / removed /
// unchanged parts (the `diff` package), so the page only has to colour them.
import { diffArrays, diffLines, diffWords } from "diff";
import type { EditorArticle, RevisionDetail } from "../models/publishing.server";

export interface DiffPart {
  kind: "added" | "removed" | "same";
  text: string;
}

export interface FieldDiff {
  field: string;
  changed: boolean;
  parts: DiffPart[];
}

function parts(changes: { added?: boolean; removed?: boolean; value: string }[]): DiffPart[] {
  return changes.map((c) => ({ kind: c.added ? "added" : c.removed ? "removed" : "same", text: c.value }));
}

/** From the revision (old) to the current article (new). */
export function compareRevision(revision: RevisionDetail, current: EditorArticle): FieldDiff[] {
  const words = (field: string, a: string, b: string): FieldDiff => ({ field, changed: a !== b, parts: parts(diffWords(a, b)) });
  const list = (field: string, a: string[], b: string[]): FieldDiff => ({
    field,
    changed: a.join("\n") !== b.join("\n"),
    // One item a line, as the editor typed them (the page shows the parts one after another).
    parts: diffArrays(a, b).flatMap((c) => c.value.map((v) => ({ kind: c.added ? "added" : c.removed ? "removed" : "same", text: `${v}\n` }) as DiffPart)),
  });
  return [
    words("Title", revision.title, current.title),
    words("Slug", revision.slug, current.slug),
    words("Byline", revision.byline, current.byline),
    list("Highlights", revision.highlights, current.highlights),
    { field: "Body", changed: revision.bodyMarkdown !== current.bodyMarkdown, parts: parts(diffLines(revision.bodyMarkdown, current.bodyMarkdown)) },
    words("Excerpt", revision.excerpt, current.excerpt),
    list("Categories", revision.categorySlugs, current.categories.map((c) => c.slug)),
    words("Comments", revision.commentsOpen ? "open" : "closed", current.commentsOpen ? "open" : "closed"),
  ];
}
