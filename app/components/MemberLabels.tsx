// Verified labels beside a member's name, as words (never colour alone), each
// announced as a label to screen readers.
import { labelText, type CommentLabel } from "~/lib/member-labels";

export function MemberLabels({ labels, full = false }: { labels: readonly CommentLabel[] | undefined; full?: boolean }) {
  if (!labels || labels.length === 0) return null;
  return (
    <span className="member-labels">
      {labels.map((label) => {
        const text = full && label.kind === "company-representative" ? labelText({ ...label, mentioned: true }) : labelText(label);
        return (
          <span key={text} className={`member-label member-label--${label.kind}`}>
            <span className="visually-hidden">Label: </span>
            {text}
          </span>
        );
      })}
    </span>
  );
}
