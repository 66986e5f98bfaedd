// The summary an import prints: what it did (or, in a dry run, would do). Pure.
import type { ImportSummary } from "../models/site-import.server";

const n = (value: number) => value.toLocaleString("en-US");

export function formatImportSummary(summary: ImportSummary, file: string): string {
  const would = summary.dryRun ? "would be " : "";
  const name = summary.source === "wordpress" ? "WordPress" : "Disqus";
  const lines = [`${name} import of ${file}${summary.site ? ` (${summary.source === "wordpress" ? "site" : "forum"} ${summary.site})` : ""}${summary.dryRun ? ": dry run, nothing written" : ""}`];
  const a = summary.articles;
  const byStatus = Object.entries(a.byStatus)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${n(v)} ${k}`)
    .join(", ");
  lines.push(`  articles: ${n(a.created)} ${would}created, ${n(a.updated)} ${would}updated, ${n(a.unchanged)} unchanged${byStatus ? ` (${byStatus})` : ""}`);
  if (summary.source === "disqus") lines.push(`  threads matched to existing articles by canonical URL: ${n(summary.matchedArticles)}`);
  if (summary.source === "wordpress") {
    const c = summary.categories;
    lines.push(`  categories: ${n(c.created)} ${would}created, ${n(c.updated)} ${would}updated, ${n(c.unchanged)} unchanged`);
    lines.push(`  old permalinks answering 301: ${n(summary.redirects)}`);
  }
  const c = summary.comments;
  const statuses = (["approved", "pending", "spam", "trash"] as const)
    .map((k) => `${n(c.byStatus[k])} ${k}`)
    .join(", ");
  lines.push(`  comments: ${n(c.created)} ${would}created, ${n(c.updated)} ${would}updated, ${n(c.unchanged)} unchanged; by status: ${statuses}`);
  if (summary.orphans) lines.push(`  replies whose parent is missing, made top-level: ${n(summary.orphans)}`);
  const skipped = Object.entries(summary.skipped).sort((x, y) => y[1] - x[1]);
  if (skipped.length === 0) lines.push("  skipped: nothing");
  else {
    lines.push(`  skipped: ${n(skipped.reduce((t, [, v]) => t + v, 0))}`);
    for (const [why, count] of skipped) lines.push(`    ${n(count)} ${why}`);
  }
  return lines.join("\n");
}
