// Where an article stands, for editors. Safe for the browser.
export type ArticleStatus = "draft" | "scheduled" | "published" | "unpublished";
export const ARTICLE_STATUSES: ArticleStatus[] = ["draft", "scheduled", "published", "unpublished"];
export const STATUS_LABELS: Record<ArticleStatus, string> = {
  draft: "Draft",
  scheduled: "Scheduled",
  published: "Published",
  unpublished: "Unpublished",
};
