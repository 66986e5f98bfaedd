// The pieces of the moderation queue: one item (the comment as it will look, who
// wrote it, why it waits, and every action on it) and the bar that acts on a
// selection. Every form is a plain POST form that works without JavaScript; once
// the page is hydrated, the same forms are sent by fetchers and act in place.
import { useFetcher } from "@remix-run/react";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { commentToken, INTENT_LABELS, type QueueIntent } from "~/lib/moderation-forms";
import type { QueueTab } from "~/lib/queue-tabs";
import { mayChangeCommentOf, ROLE_LABELS, ROLES, type Role } from "~/lib/roles";
import type { QueueItem } from "~/lib/queue-items";
import { Disclosures } from "./CommentThread";
import { DateTime } from "./DateTime";

/** What the queue's action answers (JSON with JavaScript, or to a form sent without it that was refused). */
export interface QueueActionData {
  ok: boolean;
  intent?: string;
  commentId?: number | null;
  notice?: string;
  errors?: Record<string, string>;
  values?: Record<string, string>;
  formError?: string | null;
}

/** Lets an item tell the page what its action did, even as the item leaves the list. */
export const AnnounceContext = createContext<(message: string) => void>(() => undefined);

const QUEUE_ACTION = "/moderation?index";

function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/** A fetcher for one of the queue's forms: announces its notice, and says whether it is busy. */
function useQueueFetcher() {
  const fetcher = useFetcher<QueueActionData>();
  const announce = useContext(AnnounceContext);
  const data = fetcher.data as QueueActionData | undefined;
  useEffect(() => {
    if (data?.ok && data.notice) announce(data.notice);
  }, [data, announce]);
  return { fetcher, data, busy: fetcher.state !== "idle" };
}

/** The fields every queue form carries: where to come back to, and (with JavaScript) "answer in place". */
function FormContext({ returnTo }: { returnTo: string }) {
  const hydrated = useHydrated();
  return (
    <>
      <input type="hidden" name="returnTo" value={returnTo} />
      {hydrated ? <input type="hidden" name="inPlace" value="1" /> : null}
    </>
  );
}

type StatusIntent = Extract<QueueIntent, "approve" | "unapprove" | "spam" | "trash" | "restore" | "delete" | "dismiss">;

function itemIntents(item: Pick<QueueItem, "status" | "reportState">): StatusIntent[] {
  const reported = item.reportState === "open";
  switch (item.status) {
    case "pending":
      return reported ? ["dismiss", "spam", "trash"] : ["approve", "spam", "trash"];
    case "approved":
      return reported ? ["dismiss", "unapprove", "spam", "trash"] : ["unapprove", "spam", "trash"];
    case "spam":
      return ["restore", "trash", "delete"];
    case "trash":
      return ["restore", "spam", "delete"];
  }
}

const BULK_INTENTS: Record<QueueTab, StatusIntent[]> = {
  pending: ["approve", "spam", "trash"],
  reported: ["approve", "unapprove", "spam", "trash"],
  spam: ["restore", "trash", "delete"],
  trash: ["restore", "spam", "delete"],
};

function intentLabel(intent: StatusIntent, status?: string) {
  if (intent === "restore" && status === "spam") return "Not spam";
  return INTENT_LABELS[intent];
}

function intentClass(intent: StatusIntent) {
  if (intent === "approve" || intent === "dismiss") return "button";
  if (intent === "delete") return "button button--danger";
  return "button button--quiet";
}

/** The bar that acts on the comments ticked in the list (their checkboxes belong to this form). */
export function BulkActions({ tab, returnTo }: { tab: QueueTab; returnTo: string }) {
  const { fetcher, data, busy } = useQueueFetcher();
  const hydrated = useHydrated();
  const formRef = useRef<HTMLFormElement>(null);
  const toggleAll = (checked: boolean) => {
    for (const box of document.querySelectorAll<HTMLInputElement>('input[type="checkbox"][form="bulk"]')) box.checked = checked;
  };
  return (
    <fetcher.Form method="post" action={QUEUE_ACTION} id="bulk" className="queue-bulk" ref={formRef} noValidate>
      <FormContext returnTo={returnTo} />
      <fieldset>
        <legend>With the selected comments</legend>
        {hydrated ? (
          <p className="queue-bulk__select">
            <button type="button" className="link-button" onClick={() => toggleAll(true)}>
              Select all on this page
            </button>{" "}
            <button type="button" className="link-button" onClick={() => toggleAll(false)}>
              Clear the selection
            </button>
          </p>
        ) : null}
        <p className="queue-field">
          <label htmlFor="bulk-reason">Reason, for the log (optional)</label>
          <input id="bulk-reason" name="reason" type="text" maxLength={500} />
        </p>
        <p className="queue-buttons">
          {BULK_INTENTS[tab].map((intent) => (
            <button key={intent} type="submit" name="intent" value={intent} className={intentClass(intent)} aria-busy={busy || undefined}>
              {intentLabel(intent, tab === "spam" ? "spam" : undefined)}
            </button>
          ))}
        </p>
        {data && !data.ok && data.formError ? (
          <p className="field-error" role="alert">
            {data.formError}
          </p>
        ) : null}
      </fieldset>
    </fetcher.Form>
  );
}

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

function mayRestrict(me: Role, target: Role) {
  return ROLES.indexOf(me) > ROLES.indexOf(target);
}

export interface QueueItemProps {
  item: QueueItem;
  me: { id: number; role: Role };
  returnTo: string;
  /** The answer to a form of this item sent without JavaScript, if it was refused. */
  actionData?: QueueActionData;
}

export function QueueItemView({ item, me, returnTo, actionData }: QueueItemProps) {
  const titleId = `item-${item.id}-title`;
  const { author } = item;
  const kind = author.member ? ROLE_LABELS[author.member.role] : "Guest";
  const restricted = author.member?.restricted ?? (author.guestBlocked ? "blocked" : null);
  // A comment by an editor or admin: a lower role may approve, restore or reply, not change or remove it.
  const mine = mayChangeCommentOf(me.role, author.member?.role ?? null);
  return (
    <li className={`queue-item queue-item--${item.status}`} id={`item-${item.id}`}>
      <article aria-labelledby={titleId}>
        <header className="queue-item__header">
          <p className="queue-item__select">
            <input type="checkbox" id={`select-${item.id}`} name="comment" value={commentToken(item.id, item.status)} form="bulk" />{" "}
            <label htmlFor={`select-${item.id}`}>
              Select<span className="visually-hidden"> the comment by {author.name}</span>
            </label>
          </p>
          <h3 id={titleId} className="queue-item__title">
            Comment by {author.name}
          </h3>
          <dl className="queue-item__facts">
            <Detail term="Author">
              {kind}
              {restricted ? <strong className="queue-item__flag"> ({restricted})</strong> : null}
              {" · "}
              {author.approvedBefore.toLocaleString("en-US")} approved before
            </Detail>
            <Detail term="Email">
              <a href={`mailto:${author.email}`}>{author.email}</a>
            </Detail>
            {author.url ? (
              <Detail term="Website">
                <a href={author.url} rel="nofollow ugc noopener">
                  {author.url}
                </a>
              </Detail>
            ) : null}
            <Detail term="On">
              <a href={`/articles/${item.article.slug}#comment-${item.id}`}>{item.article.title}</a>
              {item.parent ? ` (in reply to ${item.parent.authorName})` : null}
            </Detail>
            <Detail term="Posted">
              <DateTime iso={item.createdAt} withTime />
            </Detail>
            {item.heldReason ? <Detail term="Why it is here">{item.heldReason}</Detail> : null}
            {item.hidden ? <Detail term="Readers see">“This comment is hidden pending review” (its replies stay visible)</Detail> : null}
            {item.reports ? (
              <Detail term="Reports">
                {item.reports.count}: {item.reports.reasons.map((r) => `${r.label} (${r.count})`).join(", ")}
                {item.reports.notes.length ? (
                  <ul className="queue-item__notes">
                    {item.reports.notes.map((note, i) => (
                      <li key={i}>“{note}”</li>
                    ))}
                  </ul>
                ) : null}
              </Detail>
            ) : null}
          </dl>
        </header>
        {/* Its disclosure and sentiment as readers will see them: promotion is judged in context. */}
        <Disclosures node={item} />
        <div className="comment__content queue-item__body" dangerouslySetInnerHTML={{ __html: item.bodyHtml }} />
        <StatusForm item={item} returnTo={returnTo} actionData={actionData} protectedFromMe={!mine} />
        {mine ? (
          <EditForm item={item} returnTo={returnTo} actionData={actionData?.intent === "edit" ? actionData : undefined} />
        ) : (
          <p className="field-hint">Written by an {kind.toLowerCase()}: only someone of that role or higher can edit or remove it.</p>
        )}
        {item.status === "pending" || item.status === "approved" ? (
          <ReplyForm item={item} returnTo={returnTo} actionData={actionData?.intent === "reply" ? actionData : undefined} />
        ) : null}
        <PeopleForm
          item={item}
          me={me}
          returnTo={returnTo}
          actionData={["suspend", "ban", "block-email", "block-ip"].includes(actionData?.intent ?? "") ? actionData : undefined}
        />
      </article>
    </li>
  );
}

const HARMLESS: StatusIntent[] = ["approve", "restore", "dismiss"];

function StatusForm({
  item,
  returnTo,
  actionData,
  protectedFromMe,
}: {
  item: QueueItem;
  returnTo: string;
  actionData?: QueueActionData;
  protectedFromMe: boolean;
}) {
  const { fetcher, data, busy } = useQueueFetcher();
  const answer = data ?? actionData;
  const reasonId = `reason-${item.id}`;
  return (
    <fetcher.Form method="post" action={QUEUE_ACTION} className="queue-item__actions" noValidate>
      <FormContext returnTo={returnTo} />
      <input type="hidden" name="comment" value={commentToken(item.id, item.status)} />
      <fieldset>
        <legend className="visually-hidden">Decide on the comment by {item.author.name}</legend>
        <p className="queue-field queue-field--inline">
          <label htmlFor={reasonId}>Note for the log</label>
          <input id={reasonId} name="reason" type="text" maxLength={500} />
        </p>
        <p className="queue-buttons">
          {itemIntents(item)
            .filter((intent) => !protectedFromMe || HARMLESS.includes(intent))
            .map((intent) => (
              <button key={intent} type="submit" name="intent" value={intent} className={intentClass(intent)} aria-busy={busy || undefined}>
                {intentLabel(intent, item.status)}
              </button>
            ))}
        </p>
        {answer && !answer.ok && answer.formError && !["edit", "reply"].includes(answer.intent ?? "") ? (
          <p className="field-error" role="alert">
            {answer.formError}
          </p>
        ) : null}
        {data?.ok && data.notice ? <p className="queue-item__done">{data.notice}</p> : null}
      </fieldset>
    </fetcher.Form>
  );
}

function TextField({
  id,
  label,
  name,
  defaultValue,
  error,
  multiline,
  type = "text",
}: {
  id: string;
  label: string;
  name: string;
  defaultValue?: string;
  error?: string;
  multiline?: boolean;
  type?: "text" | "date";
}) {
  const errorId = `${id}-error`;
  const common = {
    id,
    name,
    defaultValue: defaultValue ?? "",
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? errorId : undefined,
  } as const;
  return (
    <p className="queue-field">
      <label htmlFor={id}>{label}</label>
      {multiline ? <textarea rows={6} {...common} /> : <input type={type} maxLength={type === "text" ? 500 : undefined} {...common} />}
      {error ? (
        <span id={errorId} className="field-error">
          {error}
        </span>
      ) : null}
    </p>
  );
}

function EditForm({ item, returnTo, actionData }: { item: QueueItem; returnTo: string; actionData?: QueueActionData }) {
  const { fetcher, data, busy } = useQueueFetcher();
  const answer = (data && !data.ok ? data : undefined) ?? actionData;
  const id = `edit-${item.id}`;
  return (
    // A new body closes the editor (its key changes); a refused edit keeps it open with the text typed.
    <details key={item.bodyFingerprint} className="queue-item__more" open={answer ? true : undefined}>
      <summary>Edit</summary>
      <fetcher.Form method="post" action={QUEUE_ACTION} noValidate>
        <FormContext returnTo={returnTo} />
        <input type="hidden" name="intent" value="edit" />
        <input type="hidden" name="comment" value={commentToken(item.id, item.status)} />
        <input type="hidden" name="fingerprint" value={item.bodyFingerprint} />
        {answer?.formError ? (
          <p className="field-error" role="alert">
            {answer.formError}
          </p>
        ) : null}
        <TextField
          id={id}
          name="body"
          label={`Text of the comment by ${item.author.name} (Markdown)`}
          multiline
          defaultValue={answer?.values?.body ?? item.bodyMarkdown}
          error={answer?.errors?.body}
        />
        <p>
          <button type="submit" className="button" aria-busy={busy || undefined}>
            Save changes
          </button>
        </p>
      </fetcher.Form>
    </details>
  );
}

function ReplyForm({ item, returnTo, actionData }: { item: QueueItem; returnTo: string; actionData?: QueueActionData }) {
  const { fetcher, data, busy } = useQueueFetcher();
  const formRef = useRef<HTMLFormElement>(null);
  const answer = (data && !data.ok ? data : undefined) ?? actionData;
  useEffect(() => {
    if (data?.ok) formRef.current?.reset();
  }, [data]);
  return (
    <details className="queue-item__more" open={answer ? true : undefined}>
      <summary>Reply</summary>
      <fetcher.Form method="post" action={QUEUE_ACTION} ref={formRef} noValidate>
        <FormContext returnTo={returnTo} />
        <input type="hidden" name="intent" value="reply" />
        <input type="hidden" name="comment" value={commentToken(item.id, item.status)} />
        {answer?.formError ? (
          <p className="field-error" role="alert">
            {answer.formError}
          </p>
        ) : null}
        <TextField
          id={`reply-${item.id}`}
          name="body"
          label={`Your reply to ${item.author.name} (published at once${item.status === "pending" ? "; approves the comment" : ""})`}
          multiline
          defaultValue={answer?.values?.body}
          error={answer?.errors?.body}
        />
        <p>
          <button type="submit" className="button" aria-busy={busy || undefined}>
            {item.status === "pending" ? "Reply and approve" : "Reply"}
          </button>
        </p>
      </fetcher.Form>
    </details>
  );
}

function PeopleForm({ item, me, returnTo, actionData }: QueueItemProps) {
  const { fetcher, data, busy } = useQueueFetcher();
  const answer = (data && !data.ok ? data : undefined) ?? actionData;
  const member = item.author.member;
  const prefix = `people-${item.id}`;
  if (member && (member.userId === me.id || !mayRestrict(me.role, member.role))) {
    return (
      <p className="queue-item__note">
        {member.userId === me.id ? "This is your own comment." : `${item.author.name} is ${ROLE_LABELS[member.role].toLowerCase()}: only a higher role can restrict them.`}
      </p>
    );
  }
  return (
    <details className="queue-item__more" open={answer ? true : undefined}>
      <summary>{member ? `Suspend or ban ${item.author.name}` : `Block this guest`}</summary>
      <fetcher.Form method="post" action={QUEUE_ACTION} noValidate>
        <FormContext returnTo={returnTo} />
        <input type="hidden" name="comment" value={commentToken(item.id, item.status)} />
        {answer?.formError ? (
          <p className="field-error" role="alert">
            {answer.formError}
          </p>
        ) : null}
        <TextField
          id={`${prefix}-reason`}
          name="reason"
          label={member ? "Reason (the member sees it)" : "Reason (for the log)"}
          defaultValue={answer?.values?.reason}
          error={answer?.errors?.reason}
        />
        {member ? (
          <>
            <TextField id={`${prefix}-until`} name="until" type="date" label="Suspend until" defaultValue={answer?.values?.until} error={answer?.errors?.until} />
            <p className="queue-buttons">
              <button type="submit" name="intent" value="suspend" className="button button--quiet" aria-busy={busy || undefined}>
                Suspend until that date
              </button>
              <button type="submit" name="intent" value="ban" className="button button--danger" aria-busy={busy || undefined}>
                Ban (their pending comments go to Spam)
              </button>
            </p>
          </>
        ) : (
          <p className="queue-buttons">
            <button type="submit" name="intent" value="block-email" className="button button--danger" aria-busy={busy || undefined}>
              Block the email {item.author.email}
            </button>
            {item.author.hasIpHash ? (
              <button type="submit" name="intent" value="block-ip" className="button button--danger" aria-busy={busy || undefined}>
                Block their IP address
              </button>
            ) : null}
          </p>
        )}
      </fetcher.Form>
    </details>
  );
}
