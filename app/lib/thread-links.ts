// The thread's links (Reply, More replies, the pager) add their parameters to the
// page they belong to: the article page (/articles/slug) or the embed, whose own
// address already has a query (/embed?url=…). Safe to import anywhere.

/** `base` ready for one more parameter: "base?" or "base&". */
export function withQuery(base: string): string {
  return `${base}${base.includes("?") ? "&" : "?"}`;
}
