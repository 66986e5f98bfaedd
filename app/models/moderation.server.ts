// Moderation: every rule that can hold a new comment is one step of one pipeline
// (as Coral's comment "phases"). A step looks at the comment and may decide its
// status and say why; the first step that decides wins. The "why" is stored on
// the comment and shown to moderators. New rules are new steps. A step may also
// refuse the comment outright (comments closed, members only, a banned author,
// too many comments too fast): then nothing is stored and the poster is told why.
//
// The second half of this file is what moderators do to existing comments:
// approve, unapprove, spam, trash, restore, delete forever, edit and reply. Each
// runs in one transaction with its log entry, reading the rows it changes
// FOR UPDATE, so two moderators acting at once get one consistent result.
import { createHash } from "node:crypto";
import { sql, type Transaction } from "kysely";
import type { DB } from "../../db/connection";
import type { CommentStatus, Database, ReportState, Role } from "../../db/schema";
import { renderCommentMarkdown } from "../lib/markdown.server";
import { mayChangeCommentOf } from "../lib/roles";
import { countLinks, findListedWord } from "../lib/word-rules";
import { CLOSED_MESSAGE, RATE_LIMITED_MESSAGE } from "../lib/moderation-text";
import { commentingState } from "./commenting.server";
import { LOG_ACTIONS, logActions, resolveActor, type Actor, type LogInput } from "./moderation-log.server";
import { getModerationSettings, RATE_WINDOW_MINUTES, type ModerationSettings } from "./moderation-settings.server";
import { consumeRateLimit } from "./rate-limits.server";
import { getPostingBlock } from "./restrictions.server";
import { addJob } from "../jobs/queue.server";
import { cashtagMentions, recordCommentTickers, tickersMentioned, type Ticker } from "./tickers.server";

export type Executor = DB | Transaction<Database>;

export interface CommentCandidate {
  articleId: number;
  authorEmail: string;
  bodyMarkdown: string;
  /** The member posting it; null or absent for a guest. */
  userId?: number | null;
  authorName?: string;
  authorUrl?: string;
  /** The keyed hash of the poster's IP (app/models/secrets.server.ts). */
  ipHash?: string;
  /**
   * The tickers whose "I am paid by or connected to this company" box the author
   * ticked (the disclosure fieldset, `disclosure_connected_<tickerId>`).
   */
  connectedTickerIds?: readonly number[];
}

/**
 * What the caller read already, so the pipeline does not read it again: each
 * statement is a round trip made while the post's transaction holds a pooled
 * connection (and its duplicate lock), which is what bounds comment POSTs.
 */
export interface ModerationPrefetch {
  settings?: ModerationSettings;
  /** The article's commenting state, read in the same transaction. */
  article?: { comments_open: boolean; published_at: Date | null } | null;
  /** The known tickers the comment mentions (its cashtags, resolved). */
  tickers?: Ticker[];
}

export interface ModerationDecision {
  status: CommentStatus;
  /** Why the comment was held, or null when it was published. */
  reason: string | null;
}

export type CommentRefusalCode =
  | "comments-closed"
  | "members-only"
  | "member-banned"
  | "member-suspended"
  | "guest-blocked"
  | "rate-limited";

/** The comment is not stored at all; `message` is shown beside the form. */
export interface CommentRefusal {
  refused: CommentRefusalCode;
  message: string;
  retryAfterSeconds: number | null;
}

export function isRefusal(outcome: ModerationDecision | CommentRefusal): outcome is CommentRefusal {
  return "refused" in outcome;
}

interface StepContext {
  settings: ModerationSettings;
  /** The article as the caller read it, when it did (else the step reads it). */
  article?: { comments_open: boolean; published_at: Date | null } | null;
  /** What a word rule looks at: the comment and the author's name, email and website. */
  fields: Record<"comment" | "name" | "email" | "website", string>;
  /** The comment as it will be rendered (links counted there). */
  html: string;
  /** The known tickers the comment mentions (looked up once, for the promotion rules). */
  tickers: () => Promise<Ticker[]>;
}

type StepOutcome = ModerationDecision | CommentRefusal | null;
type ModerationStep = (db: Executor, candidate: CommentCandidate, context: StepContext) => Promise<StepOutcome> | StepOutcome;

export const HOLD_REASONS = {
  firstTimeAuthor: "First comment from this author: held until a moderator approves one.",
  firstTimeMember: "First comment from this member: held until a moderator approves one.",
  holdAll: "Every comment is held for review (rule: hold all comments).",
  tooManyLinks: (max: number, found: number) => `More than ${max} ${max === 1 ? "link" : "links"} (${found}).`,
  heldWord: (word: string, field: string) => `Held word “${word}” in the ${field}.`,
  blockedWord: (word: string, field: string) => `Blocked word “${word}” in the ${field}.`,
  connected: (tickers: string) => `Promotion rule: the author says they are paid by or connected to ${tickers}.`,
  promotionalPhrase: (phrase: string, tickers: string) => `Promotion rule: promotional phrase “${phrase}” with ${tickers}.`,
  newAccountTicker: (days: number, tickers: string, guest: boolean) =>
    `Promotion rule: mentions ${tickers} from ${guest ? "a guest email first seen" : "an account"} less than ${days} ${days === 1 ? "day" : "days"} ago.`,
} as const;

export const REFUSAL_MESSAGES = {
  closed: CLOSED_MESSAGE,
  membersOnly: "Only members can comment here. Please log in or sign up to join the discussion.",
  banned: (reason: string) => `Your account is banned from commenting. Reason: ${reason}`,
  suspended: (reason: string, until: Date) =>
    `Your account is suspended from commenting until ${until.toISOString().slice(0, 10)}. Reason: ${reason}`,
  guestBlocked: "Comments from you cannot be accepted: the moderators have blocked them.",
  rateLimited: RATE_LIMITED_MESSAGE,
} as const;

function refuse(refused: CommentRefusalCode, message: string, retryAfterSeconds: number | null = null): CommentRefusal {
  return { refused, message, retryAfterSeconds };
}

/** Comments on this article are open (per article, and auto-close after N days). */
const commentsOpen: ModerationStep = async (db, candidate, { settings, article: known }) => {
  const article =
    known !== undefined
      ? known
      : await db.selectFrom("articles").select(["comments_open", "published_at"]).where("id", "=", candidate.articleId).executeTakeFirst();
  if (!article) return null;
  return commentingState(article, settings).open ? null : refuse("comments-closed", REFUSAL_MESSAGES.closed);
};

/** Guests may comment, unless the site is members only. */
const guestsAllowed: ModerationStep = (_db, candidate, { settings }) =>
  settings.guestsAllowed || (candidate.userId ?? null) !== null ? null : refuse("members-only", REFUSAL_MESSAGES.membersOnly);

/** A banned or suspended member, or a blocked guest (by email or IP hash), cannot post. */
const authorNotBlocked: ModerationStep = async (db, candidate) => {
  const block = await getPostingBlock(db, { userId: candidate.userId ?? null, email: candidate.authorEmail, ipHash: candidate.ipHash ?? "" });
  if (!block) return null;
  switch (block.kind) {
    case "banned":
      return refuse("member-banned", REFUSAL_MESSAGES.banned(block.reason));
    case "suspended":
      return refuse("member-suspended", REFUSAL_MESSAGES.suspended(block.reason, block.until));
    default:
      return refuse("guest-blocked", REFUSAL_MESSAGES.guestBlocked);
  }
};

/** ASSAY_RATE_LIMITS=off turns the comment rate limit off (for `npm run bench` only). */
export function commentRateLimitsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.ASSAY_RATE_LIMITS ?? "").trim().toLowerCase() !== "off";
}

/** A guest IP may post `guestRateLimit` comments per window, a member `memberRateLimit`; counted in Postgres. */
const rateLimit: ModerationStep = async (db, candidate, { settings }) => {
  if (!commentRateLimitsEnabled()) return null;
  const member = candidate.userId ?? null;
  const result = await consumeRateLimit(db, {
    bucket: member !== null ? "comment-member" : "comment-guest",
    key: member !== null ? String(member) : candidate.ipHash ?? "",
    limit: member !== null ? settings.memberRateLimit : settings.guestRateLimit,
    windowSeconds: RATE_WINDOW_MINUTES * 60,
  });
  return result.allowed ? null : refuse("rate-limited", REFUSAL_MESSAGES.rateLimited, result.retryAfterSeconds);
};

/** A blocked word anywhere (comment, name, email, website) sends the comment to Spam. */
const blockedWords: ModerationStep = (_db, _candidate, { settings, fields }) => {
  const match = findListedWord(fields, settings.blockedWords);
  return match ? { status: "spam", reason: HOLD_REASONS.blockedWord(match.word, match.field) } : null;
};

/** A held word anywhere holds the comment in Pending. */
const heldWords: ModerationStep = (_db, _candidate, { settings, fields }) => {
  const match = findListedWord(fields, settings.heldWords);
  return match ? { status: "pending", reason: HOLD_REASONS.heldWord(match.word, match.field) } : null;
};

/** More than `maxLinks` links holds the comment. */
const tooManyLinks: ModerationStep = (_db, _candidate, { settings, html }) => {
  const found = countLinks(html);
  return found > settings.maxLinks ? { status: "pending", reason: HOLD_REASONS.tooManyLinks(settings.maxLinks, found) } : null;
};

/**
 * Hold a first-time author: published at once only after one earlier comment was
 * approved. A guest is known by email; a member by account (their name and
 * address may change, their account does not). A guest typing a member's address
 * does not ride on that member's approved comments.
 */
const firstTimeAuthor: ModerationStep = async (db, candidate) => {
  const member = candidate.userId ?? null;
  const approvedBefore = await db
    .selectFrom("comments")
    .select(sql`1`.as("one"))
    .where((eb) =>
      member !== null
        ? eb("user_id", "=", member)
        : eb.and([eb(sql`lower(author_email)`, "=", candidate.authorEmail.toLowerCase()), eb("user_id", "is", null)]),
    )
    .where("status", "=", "approved")
    .limit(1)
    .executeTakeFirst();
  if (approvedBefore) return null;
  return { status: "pending", reason: member !== null ? HOLD_REASONS.firstTimeMember : HOLD_REASONS.firstTimeAuthor };
};

/** The "hold" setting: every comment, first-time authors only (the default), or none. */
const holdSetting: ModerationStep = (db, candidate, context) => {
  switch (context.settings.holdMode) {
    case "all":
      return { status: "pending", reason: HOLD_REASONS.holdAll };
    case "first-time":
      return firstTimeAuthor(db, candidate, context);
    case "none":
      return null;
  }
};

// --- defences against promotion (pump-and-dump, undisclosed paid touting) ---------

const cashtagList = (tickers: readonly Ticker[]) => tickers.map((t) => `$${t.symbol}`).join(", ");

/** The author ticked "paid by or connected to" a company the comment mentions. */
const connectedDisclosure: ModerationStep = async (_db, candidate, { settings, tickers }) => {
  if (!settings.holdConnected || !candidate.connectedTickerIds?.length) return null;
  const connected = new Set(candidate.connectedTickerIds);
  const named = (await tickers()).filter((t) => connected.has(t.id));
  return named.length ? { status: "pending", reason: HOLD_REASONS.connected(cashtagList(named)) } : null;
};

/** A promotional phrase ("to the moon", "10x") together with a ticker. */
const promotionalPhrases: ModerationStep = async (_db, _candidate, { settings, fields, tickers }) => {
  if (settings.promotionalPhrases.length === 0) return null;
  const match = findListedWord({ comment: fields.comment }, settings.promotionalPhrases);
  if (!match) return null;
  const mentioned = await tickers();
  return mentioned.length ? { status: "pending", reason: HOLD_REASONS.promotionalPhrase(match.word, cashtagList(mentioned)) } : null;
};

/**
 * A ticker mention from a young account: a member's account, or a guest's email
 * by its first comment here (a guest never seen before is as young as can be).
 */
const newAccountTicker: ModerationStep = async (db, candidate, { settings, tickers }) => {
  const days = settings.tickerNewAccountDays;
  if (days <= 0) return null;
  const mentioned = await tickers();
  if (mentioned.length === 0) return null;
  const member = candidate.userId ?? null;
  // One statement: the account's (or the guest email's first comment's) age, judged by the database's clock.
  const youngSince = (since: ReturnType<typeof sql>) =>
    sql<boolean>`(${since}) is null or (${since}) > now() - make_interval(days => ${days})`.as("young");
  const young =
    member !== null
      ? ((await db.selectFrom("users").select(youngSince(sql`created_at`)).where("id", "=", member).executeTakeFirst()) ?? { young: true })
      : await db
          .selectFrom("comments")
          .select(youngSince(sql`min(created_at)`))
          .where(sql`lower(author_email)`, "=", candidate.authorEmail.toLowerCase())
          .where("user_id", "is", null)
          .executeTakeFirstOrThrow();
  return young.young ? { status: "pending", reason: HOLD_REASONS.newAccountTicker(days, cashtagList(mentioned), member === null) } : null;
};

/** In order: refusals first, then Spam before Pending (promotion rules before the general ones), the hold setting last. */
const PIPELINE: ModerationStep[] = [
  commentsOpen,
  guestsAllowed,
  authorNotBlocked,
  rateLimit,
  blockedWords,
  connectedDisclosure,
  promotionalPhrases,
  newAccountTicker,
  heldWords,
  tooManyLinks,
  holdSetting,
];

export async function moderateNewComment(
  db: Executor,
  candidate: CommentCandidate,
  prefetch: ModerationPrefetch = {},
): Promise<ModerationDecision | CommentRefusal> {
  const settings = prefetch.settings ?? (await getModerationSettings(db));
  let mentioned: Promise<Ticker[]> | null = prefetch.tickers ? Promise.resolve(prefetch.tickers) : null;
  const context: StepContext = {
    tickers: () => (mentioned ??= tickersMentioned(db, candidate.bodyMarkdown)),
    settings,
    ...(prefetch.article !== undefined ? { article: prefetch.article } : {}),
    fields: {
      comment: candidate.bodyMarkdown,
      name: candidate.authorName ?? "",
      email: candidate.authorEmail,
      website: candidate.authorUrl ?? "",
    },
    html: renderCommentMarkdown(candidate.bodyMarkdown),
  };
  for (const step of PIPELINE) {
    const decision = await step(db, candidate, context);
    if (decision) return decision;
  }
  return { status: "approved", reason: null };
}

// --- what moderators do ------------------------------------------------------------

function inTransaction<T>(db: Executor, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}

export const MODERATION_ACTIONS = ["approve", "unapprove", "spam", "trash", "restore", "delete"] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/** outranked: the comment is by an editor or administrator, and the moderator's role is lower. */
export type ActionError = "not-found" | "conflict" | "not-allowed" | "outranked";

export type CommentActionResult =
  | { ok: true; commentId: number; changed: boolean; before: CommentStatus; after: CommentStatus | null }
  | { ok: false; commentId: number; error: ActionError; current: CommentStatus | null };

interface LockedComment {
  id: number;
  article_id: number;
  parent_id: number | null;
  user_id: number | null;
  author_name: string;
  author_email: string;
  status: CommentStatus;
  report_state: ReportState | null;
  body_markdown: string;
  /** Set while member reports hide the comment (it stays approved). */
  hidden_at: Date | null;
  /** The role of its member author; null for a guest or a deleted account. */
  author_role: Role | null;
}

/** Read comments FOR UPDATE in one transaction: every action on a comment starts here. */
export async function lockComments(trx: Transaction<Database>, ids: number[]): Promise<Map<number, LockedComment>> {
  if (ids.length === 0) return new Map();
  // Always lock in id order: two bulk actions over the same rows cannot deadlock.
  const rows = await trx
    .selectFrom("comments as c")
    .leftJoin("users as u", "u.id", "c.user_id")
    .select([
      "c.id",
      "c.article_id",
      "c.parent_id",
      "c.user_id",
      "c.author_name",
      "c.author_email",
      "c.status",
      "c.report_state",
      "c.body_markdown",
      "c.hidden_at",
      "u.role as author_role",
    ])
    .where("c.id", "in", ids)
    .orderBy("c.id")
    // Only the comments are locked: an author's role is read, never changed here.
    .forUpdate("c")
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/** The role of whoever acts (null: the system, which may do anything). */
async function actorRole(trx: Transaction<Database>, moderatorId: number | null | undefined): Promise<Role | null> {
  if (moderatorId == null) return null;
  const row = await trx.selectFrom("users").select("role").where("id", "=", moderatorId).executeTakeFirst();
  // An actor who is no longer there has no standing: the lowest role.
  return row?.role ?? "member";
}

function outranked(role: Role | null, row: LockedComment): boolean {
  return role !== null && !mayChangeCommentOf(role, row.author_role);
}

/** Where Restore puts a comment back: the status it had before it was spammed or trashed (from the log), else Pending. */
async function restoreTargets(trx: Transaction<Database>, ids: number[]): Promise<Map<number, CommentStatus>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom("moderation_log")
    .select(["comment_id", "status_before"])
    .distinctOn("comment_id")
    .where("comment_id", "in", ids)
    .where("status_after", "in", ["spam", "trash"])
    .orderBy("comment_id")
    .orderBy("id", "desc")
    .execute();
  const targets = new Map<number, CommentStatus>();
  for (const row of rows) {
    if (row.comment_id !== null && (row.status_before === "approved" || row.status_before === "pending")) {
      targets.set(row.comment_id, row.status_before);
    }
  }
  return targets;
}

function targetFor(action: Exclude<ModerationAction, "delete">, row: LockedComment, restoreTo: Map<number, CommentStatus>): CommentStatus | null {
  switch (action) {
    case "approve":
      return "approved";
    case "unapprove":
      return row.status === "approved" ? "pending" : null;
    case "spam":
      return "spam";
    case "trash":
      return "trash";
    case "restore":
      return row.status === "spam" || row.status === "trash" ? (restoreTo.get(row.id) ?? "pending") : null;
  }
}

function actionFor(row: LockedComment, target: CommentStatus): Exclude<ModerationAction, "delete"> {
  if (target === "approved") return "approve";
  if (target === "spam" || target === "trash") return target;
  return row.status === "approved" ? "unapprove" : "restore";
}

/**
 * Before a comment is deleted forever, its replies move up to its parent, so
 * the conversation stays. When it was a top-level comment, each direct reply
 * becomes top-level and the root of its own subtree (`root_id`, kept by
 * migration 0004, is re-pointed in the same statement).
 */
async function moveRepliesUp(trx: Transaction<Database>, row: LockedComment): Promise<number> {
  if (row.parent_id !== null) {
    const moved = await trx.updateTable("comments").set({ parent_id: row.parent_id }).where("parent_id", "=", row.id).executeTakeFirst();
    return Number(moved.numUpdatedRows);
  }
  const { rows } = await sql<{ id: number; new_root: number }>`
    with recursive subtree as (
      select id, id as new_root from comments where parent_id = ${row.id}
      union all
      select c.id, s.new_root from comments c join subtree s on c.parent_id = s.id
    )
    update comments c
       set parent_id = case when c.parent_id = ${row.id} then null else c.parent_id end,
           root_id = case when c.id = s.new_root then null else s.new_root end
      from subtree s
     where c.id = s.id
    returning c.id, s.new_root
  `.execute(trx);
  return rows.filter((r) => r.id === r.new_root).length;
}

/** Move one locked comment to `target`, keep its report state in step, and say what to log. */
async function moveComment(
  trx: Transaction<Database>,
  row: LockedComment,
  target: CommentStatus,
  actor: Actor,
  reason: string,
): Promise<LogInput> {
  const action = actionFor(row, target);
  const note = `${LOG_ACTIONS[action]} by ${actor.name}${reason ? `: ${reason}` : ""}`.slice(0, 500);
  // A comment with open reports: approving it keeps it and stops further reports;
  // removing it upholds them; unapproving keeps it waiting in Reported.
  const reportState =
    row.report_state === "open" ? (target === "approved" ? "dismissed" : target === "pending" ? "open" : "upheld") : row.report_state;
  await trx
    .updateTable("comments")
    .set({
      status: target,
      held_reason: target === "approved" ? null : note,
      report_state: reportState,
      // Whatever a moderator decides ends "hidden pending review".
      hidden_at: null,
      updated_at: new Date(),
    })
    .where("id", "=", row.id)
    .execute();
  // Newly approved: the job worker tells the parent's author and the thread's watchers.
  if (target === "approved" && row.status !== "approved") await addJob(trx, "comment_approved", { commentId: row.id }, { jobKey: `comment_approved:${row.id}` });
  return { actor, action, comment: row, before: row.status, after: target, reason };
}

/**
 * Approve, unapprove, spam, trash, restore or delete forever one comment or a
 * selection, in one transaction with one log entry per changed comment.
 *
 * `expected` holds the status each comment had when the moderator saw it: when
 * another moderator changed it in between, that comment is left alone and
 * reported as a conflict (unless it already has the wanted status), so no one's
 * decision is silently overwritten.
 */
export async function moderateComments(
  db: Executor,
  input: {
    commentIds: number[];
    action: ModerationAction;
    moderatorId?: number | null;
    reason?: string;
    expected?: ReadonlyMap<number, CommentStatus>;
  },
): Promise<CommentActionResult[]> {
  const ids = [...new Set(input.commentIds)];
  const reason = (input.reason ?? "").trim();
  return inTransaction(db, async (trx) => {
    const rows = await lockComments(trx, ids);
    const actor = await resolveActor(trx, input.moderatorId);
    const role = await actorRole(trx, input.moderatorId);
    // Approving and restoring never harm a comment; the rest are refused on a higher role's comment.
    const guarded = input.action !== "approve" && input.action !== "restore";
    const restoreTo = input.action === "restore" ? await restoreTargets(trx, ids) : new Map<number, CommentStatus>();
    const results: CommentActionResult[] = [];
    const entries: LogInput[] = [];
    for (const id of ids) {
      const row = rows.get(id);
      if (!row) {
        results.push({ ok: false, commentId: id, error: "not-found", current: null });
        continue;
      }
      const expected = input.expected?.get(id);
      if (guarded && outranked(role, row)) {
        results.push({ ok: false, commentId: id, error: "outranked", current: row.status });
        continue;
      }
      if (input.action === "delete") {
        if (expected && expected !== row.status) {
          results.push({ ok: false, commentId: id, error: "conflict", current: row.status });
        } else if (row.status !== "spam" && row.status !== "trash") {
          results.push({ ok: false, commentId: id, error: "not-allowed", current: row.status });
        } else {
          const moved = await moveRepliesUp(trx, row);
          await trx.deleteFrom("comments").where("id", "=", row.id).execute();
          entries.push({
            actor,
            action: "delete",
            comment: row,
            before: row.status,
            after: null,
            reason,
            details: { repliesMoved: moved, body: row.body_markdown.slice(0, 2000) },
          });
          results.push({ ok: true, commentId: id, changed: true, before: row.status, after: null });
        }
        continue;
      }
      const target = targetFor(input.action, row, restoreTo);
      if (target === "approved" && row.status === "approved" && row.hidden_at !== null && (!expected || expected === row.status)) {
        // Approving a comment that reports hid: it shows again, and its reports are dismissed.
        entries.push(await moveComment(trx, row, target, actor, reason));
        results.push({ ok: true, commentId: id, changed: true, before: row.status, after: target });
      } else if (target === row.status) {
        results.push({ ok: true, commentId: id, changed: false, before: row.status, after: row.status });
      } else if (expected && expected !== row.status) {
        results.push({ ok: false, commentId: id, error: "conflict", current: row.status });
      } else if (target === null) {
        results.push({ ok: false, commentId: id, error: "not-allowed", current: row.status });
      } else {
        entries.push(await moveComment(trx, row, target, actor, reason));
        results.push({ ok: true, commentId: id, changed: true, before: row.status, after: target });
      }
    }
    await logActions(trx, entries);
    return results;
  });
}

export type StatusChange =
  | { ok: true; commentId: number; before: CommentStatus; after: CommentStatus }
  | { ok: false; error: "not-found" | "conflict" | "outranked"; current?: CommentStatus };

/**
 * Move a comment to a status. The row is locked for the transaction, so two
 * moderators acting at once see one consistent before/after, never a lost update.
 * Without a moderator, the change is logged as made by the system.
 */
export async function setCommentStatus(
  db: Executor,
  input: { commentId: number; status: CommentStatus; moderatorId?: number | null; reason?: string; expectedStatus?: CommentStatus },
): Promise<StatusChange> {
  return inTransaction(db, async (trx) => {
    const row = (await lockComments(trx, [input.commentId])).get(input.commentId);
    if (!row) return { ok: false, error: "not-found" } as const;
    if (input.status !== "approved" && outranked(await actorRole(trx, input.moderatorId), row)) {
      return { ok: false, error: "outranked", current: row.status } as const;
    }
    if (row.status !== input.status || (input.status === "approved" && row.hidden_at !== null)) {
      if (input.expectedStatus && input.expectedStatus !== row.status) return { ok: false, error: "conflict", current: row.status } as const;
      const actor = await resolveActor(trx, input.moderatorId);
      await logActions(trx, [await moveComment(trx, row, input.status, actor, (input.reason ?? "").trim())]);
    }
    return { ok: true, commentId: row.id, before: row.status, after: input.status } as const;
  });
}

export function approveComment(
  db: Executor,
  input: { commentId: number; moderatorId?: number | null; reason?: string; expectedStatus?: CommentStatus },
): Promise<StatusChange> {
  return setCommentStatus(db, { ...input, status: "approved" });
}

/** A short fingerprint of a comment body: an edit form sends back the one it was shown. */
export function bodyFingerprint(body: string): string {
  return createHash("sha256").update(body).digest("base64url").slice(0, 16);
}

export type EditResult =
  | { ok: true; commentId: number; changed: boolean }
  | { ok: false; error: "not-found" | "conflict" | "outranked" };

/** Change a comment's body (re-rendered through the same Markdown sanitizer), logged with the old body. */
export async function editComment(
  db: Executor,
  input: { commentId: number; body: string; moderatorId?: number | null; reason?: string; expectedFingerprint?: string },
): Promise<EditResult> {
  const body = input.body.trim();
  return inTransaction(db, async (trx) => {
    const row = (await lockComments(trx, [input.commentId])).get(input.commentId);
    if (!row) return { ok: false, error: "not-found" } as const;
    if (outranked(await actorRole(trx, input.moderatorId), row)) return { ok: false, error: "outranked" } as const;
    if (row.body_markdown === body) return { ok: true, commentId: row.id, changed: false } as const;
    if (input.expectedFingerprint && input.expectedFingerprint !== bodyFingerprint(row.body_markdown)) {
      return { ok: false, error: "conflict" } as const;
    }
    // An edit can add or drop cashtags: links and recorded mentions follow the new text.
    const mentions = await cashtagMentions(trx, body);
    await trx
      .updateTable("comments")
      .set({ body_markdown: body, body_html: renderCommentMarkdown(body, { cashtagHref: mentions.hrefFor }), updated_at: new Date() })
      .where("id", "=", row.id)
      .execute();
    await trx.deleteFrom("comment_tickers").where("comment_id", "=", row.id).execute();
    await recordCommentTickers(trx, row.id, mentions.tickers.map((t) => t.id));
    const actor = await resolveActor(trx, input.moderatorId);
    await logActions(trx, [
      { actor, action: "edit", comment: row, before: row.status, after: row.status, reason: input.reason ?? "", details: { bodyBefore: row.body_markdown } },
    ]);
    return { ok: true, commentId: row.id, changed: true } as const;
  });
}

export type ReplyResult =
  | { ok: true; replyId: number; parentApproved: boolean }
  | { ok: false; error: "not-found" | "not-allowed" | "no-moderator" };

/**
 * A moderator replies to a comment from the queue: the reply is published at
 * once under their account, and the parent is approved if it was pending.
 */
export async function replyAsModerator(
  db: Executor,
  input: { parentId: number; moderatorId: number; body: string; ipHash?: string; userAgent?: string },
): Promise<ReplyResult> {
  const body = input.body.trim();
  return inTransaction(db, async (trx) => {
    const parent = (await lockComments(trx, [input.parentId])).get(input.parentId);
    if (!parent) return { ok: false, error: "not-found" } as const;
    if (parent.status === "spam" || parent.status === "trash") return { ok: false, error: "not-allowed" } as const;
    const moderator = await trx
      .selectFrom("users")
      .select(["id", "display_name", "email"])
      .where("id", "=", input.moderatorId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!moderator || !moderator.email) return { ok: false, error: "no-moderator" } as const;
    const actor: Actor = { id: moderator.id, name: moderator.display_name };
    const entries: LogInput[] = [];
    const parentApproved = parent.status !== "approved";
    if (parentApproved) entries.push(await moveComment(trx, parent, "approved", actor, "Approved by replying"));
    const mentions = await cashtagMentions(trx, body);
    const reply = await trx
      .insertInto("comments")
      .values({
        article_id: parent.article_id,
        parent_id: parent.id,
        status: "approved",
        user_id: moderator.id,
        author_name: moderator.display_name,
        author_email: moderator.email,
        author_url: "",
        body_markdown: body,
        body_html: renderCommentMarkdown(body, { cashtagHref: mentions.hrefFor }),
        ip_hash: input.ipHash ?? "",
        user_agent: (input.userAgent ?? "").slice(0, 500),
      })
      .returning(["id", "article_id", "user_id", "author_name", "author_email"])
      .executeTakeFirstOrThrow();
    await recordCommentTickers(trx, reply.id, mentions.tickers.map((t) => t.id));
    entries.push({ actor, action: "reply", comment: reply, before: null, after: "approved", details: { parentId: parent.id } });
    await addJob(trx, "comment_approved", { commentId: reply.id });
    await logActions(trx, entries);
    return { ok: true, replyId: reply.id, parentApproved } as const;
  });
}
