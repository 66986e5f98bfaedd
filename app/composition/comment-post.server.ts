// A comment posted from the "Leave a Reply" form: the article page's and the
// embed's (app/routes/articles.$slug.tsx, app/routes/embed.tsx) are one and the
// same, so validation messages, held comments, rate limits and the honeypot work
// alike in both; only where the poster is sent afterwards differs.
import type { AppLoadContext } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { HONEYPOT_FIELD, NOTIFY_REPLIES_FIELD } from "~/components/CommentForm";
import { postComment } from "~/models/comments.server";
import { unchangedHeaders, UNCHANGED_HEADER } from "~/lib/cache-tags";
import { rememberHeldComment } from "~/composition/held-comments.server";
import { hashIp } from "~/models/secrets.server";
import { getCurrentUser } from "~/composition/session.server";
import { UNVERIFIED_COMMENT_MESSAGE } from "~/lib/account-messages";
import { getUserEmail } from "~/models/users.server";
import { threadPageSearch } from "~/models/threads.server";
import { COMMENT_FIELDS, formValues, guestCommentSchema, parseForm } from "~/lib/validation.server";
import { readForm } from "~/lib/forms.server";
import { parseId } from "~/lib/params";
import { tickersMentioned, type Ticker } from "~/models/tickers.server";
import { getModerationSettings } from "~/models/moderation-settings.server";
import { getDisclosureDefaults } from "~/models/disclosures.server";
import {
  DISCLOSURE_ASKED_MESSAGE,
  DISCLOSURE_REQUIRED_MESSAGE,
  SENTIMENT_FIELD,
  disclosureAskedField,
  disclosureConnectedField,
  disclosurePositionField,
  isDisclosurePosition,
  isSentiment,
  type DisclosureAnswer,
  type DisclosurePosition,
  type Sentiment,
} from "~/lib/disclosure";

const SENTIMENT_MESSAGE = "Sentiment must be Bullish, Bearish or neither.";
const POSITION_MESSAGE = "Please choose Long, Short, No position or Prefer not to say.";

/** The disclosure part of the form as sent back with a refused post: nothing the person chose is lost. */
export interface DisclosureFormState {
  /** The known tickers the comment mentions, each asked about. */
  tickers: Ticker[];
  /** What was chosen per ticker id (position "" when none). */
  answers: Record<number, { position: DisclosurePosition | ""; connected: boolean }>;
  required: boolean;
  sentiment: Sentiment | "";
}

/** Read the disclosure answers for the mentioned tickers from the form. */
function readDisclosures(form: FormData, tickers: Ticker[]) {
  const answers: DisclosureFormState["answers"] = {};
  const valid: DisclosureAnswer[] = [];
  let invalid = false;
  let notAsked = false;
  let unanswered = false;
  for (const ticker of tickers) {
    const raw = form.get(disclosurePositionField(ticker.id));
    const connected = form.get(disclosureConnectedField(ticker.id)) === "1";
    const asked = form.get(disclosureAskedField(ticker.id)) === "1";
    const position = typeof raw === "string" ? raw.trim() : "";
    if (position !== "" && !isDisclosurePosition(position)) invalid = true;
    const chosen = isDisclosurePosition(position) ? position : "";
    answers[ticker.id] = { position: chosen, connected };
    if (!asked && chosen === "" && !connected) notAsked = true;
    // Ticking "paid or connected" alone is an answer: the position stays unsaid.
    if (chosen !== "" || connected) valid.push({ tickerId: ticker.id, position: chosen || "undisclosed", connected });
    else unanswered = true;
  }
  return { answers, valid, invalid, notAsked, unanswered };
}

const DUPLICATE_MESSAGE = "Duplicate comment detected; it looks as though you've already said that!";
const PARENT_MESSAGE =
  "The comment you are replying to is not on this article, or no longer exists. Your comment was not posted; you can post it as a new comment.";

export interface CommentPostTarget {
  articleId: number;
  /** Where a bot's honeypot post is sent (as if all went well). */
  pagePath: string;
  /** Where the poster goes to see their comment: `search` is its page of the thread ("" or "?after=…"). */
  commentHref: (search: string, commentId: number) => string;
}

/** The tickers whose "paid by or connected to this company" box is ticked (the disclosure fieldset). */
function connectedTickerIds(form: FormData): number[] {
  const ids: number[] = [];
  for (const [key, value] of form.entries()) {
    const match = /^disclosure_connected_([1-9]\d{0,9})$/.exec(key);
    if (match && value === "1") ids.push(Number(match[1]));
  }
  return ids.slice(0, 50);
}

export async function handleCommentPost(request: Request, context: AppLoadContext, target: CommentPostTarget) {
  const { db } = context;
  const form = await readForm(request);

  // A bot filled the hidden field: pretend all went well and keep nothing.
  const honeypot = form.get(HONEYPOT_FIELD);
  if (typeof honeypot === "string" && honeypot.trim() !== "") return redirect(`${target.pagePath}#comments`, { headers: unchangedHeaders() });

  const values = formValues(form, COMMENT_FIELDS);
  // "Notify me of replies": ticked or not, as sent (a member's box starts ticked by their default).
  const notifyReplies = form.get(NOTIFY_REPLIES_FIELD) === "1";
  const user = await getCurrentUser(request, context);

  // Disclosure: the known tickers the comment mentions, and the answers given for each.
  const sentimentRaw = String(form.get(SENTIMENT_FIELD) ?? "").trim();
  const sentiment: Sentiment | "" = isSentiment(sentimentRaw) ? sentimentRaw : "";
  const [tickers, settings] = await Promise.all([tickersMentioned(db, values.comment ?? ""), getModerationSettings(db)]);
  const read = readDisclosures(form, tickers);
  const disclosure: DisclosureFormState = { tickers, answers: read.answers, required: settings.disclosureRequired, sentiment };
  if (user && read.notAsked) {
    // First time the form hears of these tickers: offer the member's own defaults.
    for (const d of await getDisclosureDefaults(db, user.id, tickers.map((t) => t.id))) {
      const answer = disclosure.answers[d.tickerId];
      if (answer && answer.position === "" && !answer.connected) disclosure.answers[d.tickerId] = { position: d.position, connected: d.connected };
    }
  }
  const keep = { values, notifyReplies, disclosure };

  if (user && !user.emailVerified) return json({ errors: {}, ...keep, formError: UNVERIFIED_COMMENT_MESSAGE }, { status: 403 });
  if (sentimentRaw !== "" && sentiment === "") return json({ errors: {}, ...keep, formError: SENTIMENT_MESSAGE }, { status: 400 });
  if (read.invalid) return json({ errors: {}, ...keep, formError: POSITION_MESSAGE }, { status: 400 });
  // Without JavaScript the form learns of the tickers only now: show their questions, keep the comment.
  if (read.notAsked) return json({ errors: {}, ...keep, formError: DISCLOSURE_ASKED_MESSAGE }, { status: 400 });
  if (settings.disclosureRequired && read.unanswered) {
    return json({ errors: {}, ...keep, formError: DISCLOSURE_REQUIRED_MESSAGE }, { status: 400 });
  }
  const memberEmail = user ? await getUserEmail(db, user.id) : null;
  // A member signs with their account: the name and email come from it, not from the form.
  const submitted = user && memberEmail ? { ...values, author: user.displayName, email: memberEmail, url: "" } : values;
  const parsed = parseForm(guestCommentSchema, submitted);
  if (!parsed.ok) return json({ errors: parsed.errors, ...keep, formError: null }, { status: 400 });

  const parentText = String(form.get("comment_parent") ?? "0").trim();
  const parentNumber = parentText === "0" || parentText === "" ? 0 : parseId(parentText);
  if (parentNumber === null) {
    return json({ errors: {}, ...keep, formError: PARENT_MESSAGE }, { status: 400 });
  }
  const result = await postComment(db, {
    articleId: target.articleId,
    parentId: parentNumber === 0 ? null : parentNumber,
    authorName: parsed.data.author,
    authorEmail: parsed.data.email,
    authorUrl: parsed.data.url,
    body: parsed.data.comment,
    ipHash: await hashIp(db, context.clientIp),
    userAgent: request.headers.get("User-Agent") ?? "",
    userId: user && memberEmail ? user.id : null,
    notifyReplies,
    disclosures: read.valid,
    sentiment: sentiment || null,
    connectedTickerIds: connectedTickerIds(form),
    // Read above for the disclosure questions; the pipeline uses the same, not a second read.
    settings,
  });
  if (!result.ok) {
    switch (result.error) {
      case "duplicate":
        return json({ errors: {}, ...keep, formError: DUPLICATE_MESSAGE }, { status: 409 });
      case "parent-not-found":
        return json({ errors: {}, ...keep, formError: PARENT_MESSAGE }, { status: 400 });
      case "article-not-found":
        throw new Response("Article not found", { status: 404 });
      default: {
        // A moderation rule refused it: say why beside the form, keep what was typed.
        const rateLimited = result.error === "rate-limited";
        const headers = rateLimited && result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : undefined;
        return json({ errors: {}, ...keep, formError: result.message }, { status: rateLimited ? 429 : 403, headers });
      }
    }
  }
  const headers = new Headers();
  if (result.status === "pending") {
    headers.append("Set-Cookie", await rememberHeldComment(db, request, result.commentId));
    // Held: only its poster sees it (by the cookie), so guests' cached pages stay right.
    headers.set(UNCHANGED_HEADER, "1");
  }
  // To the page of the thread that shows it: a long thread's new comment is not on page one.
  // Found from the row just written: no need to read it back.
  const search = await threadPageSearch(db, result.placement);
  return redirect(target.commentHref(search, result.commentId), { status: 303, headers });
}
