// The follow buttons: plain POST forms, so they work without JavaScript. A guest
// gets the same buttons; pressing one asks them to log in, and the login does it.
import { Form } from "@remix-run/react";
import { FOLLOW_CHOICES, FOLLOW_LEVEL_TEXT, type FollowChoice } from "../lib/follow-levels";

/** One button per level for a category; the current one is pressed. */
export function CategoryFollowForm({
  action,
  current,
  categoryName,
}: {
  action: string;
  /** Null for a guest. */
  current: FollowChoice | null;
  categoryName: string;
}) {
  return (
    <Form method="post" action={action} className="follow-form" aria-labelledby="follow-heading">
      <h2 id="follow-heading" className="follow-form__heading">
        Follow {categoryName}
      </h2>
      {current === null ? <p className="field-hint">Log in to choose; you come back here having done it.</p> : null}
      <ul className="follow-levels">
        {FOLLOW_CHOICES.map((value) => ({ value, text: FOLLOW_LEVEL_TEXT[value] })).map(({ value, text }) => (
          <li key={value}>
            <button
              type="submit"
              name="level"
              value={value}
              className={value === current ? "button" : "button button--quiet"}
              aria-pressed={current === null ? undefined : value === current}
              aria-describedby={`level-${value}`}
            >
              {text.label}
            </button>{" "}
            <span id={`level-${value}`} className="field-hint follow-levels__what">
              {text.description}
            </span>
          </li>
        ))}
      </ul>
    </Form>
  );
}

/** "Watch this thread" (or stop) on an article page. */
export function WatchThreadForm({ action, watching }: { action: string; watching: boolean | null }) {
  return (
    <Form method="post" action={action} className="watch-form" id="watch">
      <input type="hidden" name="watch" value={watching ? "0" : "1"} />
      <button type="submit" className="button button--quiet" aria-pressed={watching === null ? undefined : watching}>
        {watching ? "Stop watching this thread" : "Watch this thread"}
      </button>{" "}
      <span className="field-hint">
        {watching ? "You get a mail when a new comment is published here (at most one an hour)." : "A mail when a new comment is published here (at most one an hour)."}
      </span>
    </Form>
  );
}
