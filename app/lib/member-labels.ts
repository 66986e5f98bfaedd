// How a verified label reads beside a member's name (shared by the thread, which
// is rendered on the server, and the pages rendered by React in the browser).
// "Author" follows the article's byline; "Staff" and "Company representative"
// are given by administrators (app/models/labels.server.ts).

export type CommentLabel =
  | { kind: "author" }
  | { kind: "staff" }
  | {
      kind: "company-representative";
      symbol: string;
      exchange: string;
      companyName: string;
      role: string;
      /** The comment mentions this company's ticker (always so on its ticker page): the label reads in full. */
      mentioned: boolean;
    };

/** The label in full: "Company representative — Lynas Rare Earths, Investor Relations". */
export function fullLabelText(label: CommentLabel): string {
  if (label.kind !== "company-representative") return labelText(label);
  return `Company representative — ${label.companyName}${label.role ? `, ${label.role}` : ""}`;
}

/**
 * Beside a comment: a representative's label in full where the comment speaks of
 * their company's ticker, and elsewhere short, naming the company's cashtag so a
 * reader still knows whom they speak for.
 */
export function labelText(label: CommentLabel): string {
  switch (label.kind) {
    case "author":
      return "Author";
    case "staff":
      return "Staff";
    case "company-representative":
      return label.mentioned ? fullLabelText(label) : `Company representative ($${label.symbol})`;
  }
}
