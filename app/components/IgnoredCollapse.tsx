import type { ReactNode } from "react";

/**
 * A comment by a member the viewer ignores: collapsed for that viewer alone, opened
 * with a click (a plain <details>, so without script too). The same on every page.
 */
export function IgnoredCollapse({ ignored, children }: { ignored: boolean; children: ReactNode }) {
  if (!ignored) return <>{children}</>;
  return (
    <details className="comment__ignored">
      <summary>1 comment from a member you ignore</summary>
      {children}
    </details>
  );
}
