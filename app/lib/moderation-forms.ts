// Form schemas of the moderation pages, in the style of app/lib/validation.ts: the
// server parses FormData with them; messages go beside the fields. Safe for the browser.
import { z } from "./zod";
import { COMMENT_STATUSES, HOLD_MODES, REPORT_REASONS, type CommentStatus } from "./vocabulary";
import { guestCommentSchema } from "./validation";
import { parseWordList } from "./word-rules";
import { MAX_ID } from "./params";

export const QUEUE_INTENTS = [
  "approve",
  "unapprove",
  "spam",
  "trash",
  "restore",
  "delete",
  "dismiss",
  "edit",
  "reply",
  "suspend",
  "ban",
  "block-email",
  "block-ip",
] as const;
export type QueueIntent = (typeof QUEUE_INTENTS)[number];

export const STATUS_INTENTS = ["approve", "unapprove", "spam", "trash", "restore", "delete"] as const;
export type StatusIntent = (typeof STATUS_INTENTS)[number];

export const INTENT_LABELS: Record<QueueIntent, string> = {
  approve: "Approve",
  unapprove: "Unapprove",
  spam: "Spam",
  trash: "Trash",
  restore: "Restore",
  delete: "Delete forever",
  dismiss: "Dismiss reports",
  edit: "Save changes",
  reply: "Reply and approve",
  suspend: "Suspend",
  ban: "Ban",
  "block-email": "Block this email",
  "block-ip": "Block this IP",
};

export const moderationMessages = {
  nothingSelected: "Please select at least one comment.",
  tooMany: "Please select at most 100 comments at a time.",
  reasonTooLong: "Please keep the reason under 500 characters.",
  reasonMissing: "Please give a reason: the member sees it, and the log keeps it.",
  untilMissing: "Please choose the date the suspension ends.",
  untilPast: "Please choose a date in the future.",
  numberInvalid: "Please enter a whole number.",
} as const;

/** A checkbox or hidden field naming a comment and the status the moderator saw: "123:pending". */
export function commentToken(id: number, status: CommentStatus): string {
  return `${id}:${status}`;
}

const commentTokenField = z
  .string()
  .regex(new RegExp(`^[1-9]\\d{0,9}:(${COMMENT_STATUSES.join("|")})$`))
  .transform((value) => {
    const [id, status] = value.split(":");
    return { id: Number(id), status: status as CommentStatus };
  })
  .refine((token) => token.id <= MAX_ID);

const reason = z.string().trim().max(500, moderationMessages.reasonTooLong);

/** Approve, unapprove, spam, trash, restore, delete forever, dismiss: on one comment or a selection. */
export const statusActionSchema = z.object({
  intent: z.enum([...STATUS_INTENTS, "dismiss"]),
  comment: z.array(commentTokenField).min(1, moderationMessages.nothingSelected).max(100, moderationMessages.tooMany),
  reason,
});

export const editSchema = z.object({
  comment: commentTokenField,
  body: guestCommentSchema.shape.comment,
  fingerprint: z.string().max(64),
  reason,
});

export const replySchema = z.object({
  comment: commentTokenField,
  body: guestCommentSchema.shape.comment,
});

const requiredReason = z.string().trim().min(1, moderationMessages.reasonMissing).max(500, moderationMessages.reasonTooLong);

export const memberRestrictionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("ban"), comment: commentTokenField, reason: requiredReason }),
  z.object({
    intent: z.literal("suspend"),
    comment: commentTokenField,
    reason: requiredReason,
    until: z
      .string()
      .trim()
      .min(1, moderationMessages.untilMissing)
      .regex(/^\d{4}-\d{2}-\d{2}$/, moderationMessages.untilMissing)
      .transform((value) => new Date(`${value}T00:00:00Z`))
      .refine((date) => !Number.isNaN(date.getTime()) && date.getTime() > Date.now(), moderationMessages.untilPast),
  }),
]);

export const guestBlockSchema = z.object({
  intent: z.enum(["block-email", "block-ip"]),
  comment: commentTokenField,
  reason: requiredReason,
});

// --- settings -----------------------------------------------------------------

export const settingsMessages = {
  holdMode: "Please choose which comments to hold.",
  maxLinks: "Please enter a whole number from 0 to 1,000.",
  autoClose: "Please enter a number of days from 1 to 36,500, or leave it empty.",
  guests: "Please choose who may comment.",
  rate: "Please enter a whole number from 1 to 10,000.",
  reporterAge: "Please enter a whole number of hours from 0 to 8,760.",
  disclosure: "Please choose whether the disclosure is required.",
  tickerNewAccountDays: "Please enter a whole number of days from 0 to 3,650.",
  holdConnected: "Please choose whether to hold a comment whose author says they are paid or connected.",
  spikeMultiplier: "Please enter a whole number from 1 to 1,000.",
  spikeMinComments: "Please enter a whole number from 1 to 1,000,000.",
} as const;

const wholeNumber = (min: number, max: number, message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,6}$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);

export const SETTINGS_FIELDS = [
  "holdMode",
  "maxLinks",
  "heldWords",
  "blockedWords",
  "autoCloseDays",
  "guestsAllowed",
  "guestRateLimit",
  "memberRateLimit",
  "reporterMinAgeHours",
  "disclosureRequired",
  "tickerNewAccountDays",
  "promotionalPhrases",
  "holdConnected",
  "spikeMultiplier",
  "spikeMinComments",
] as const;
export type SettingsField = (typeof SETTINGS_FIELDS)[number];

export const settingsSchema = z.object({
  holdMode: z.enum(HOLD_MODES, settingsMessages.holdMode),
  maxLinks: wholeNumber(0, 1000, settingsMessages.maxLinks),
  heldWords: z.string().max(50_000).transform(parseWordList),
  blockedWords: z.string().max(50_000).transform(parseWordList),
  autoCloseDays: z
    .string()
    .trim()
    .refine((v) => v === "" || (/^\d{1,6}$/.test(v) && Number(v) >= 1 && Number(v) <= 36_500), settingsMessages.autoClose)
    .transform((v) => (v === "" ? null : Number(v))),
  guestsAllowed: z.enum(["yes", "no"], settingsMessages.guests).transform((value) => value === "yes"),
  guestRateLimit: wholeNumber(1, 10_000, settingsMessages.rate),
  memberRateLimit: wholeNumber(1, 10_000, settingsMessages.rate),
  reporterMinAgeHours: wholeNumber(0, 8760, settingsMessages.reporterAge),
  // Left out (a form from before this setting existed): the default, asked.
  disclosureRequired: z.enum(["asked", "required", ""], settingsMessages.disclosure).transform((value) => value === "required"),
  tickerNewAccountDays: wholeNumber(0, 3650, settingsMessages.tickerNewAccountDays),
  promotionalPhrases: z.string().max(50_000).transform(parseWordList),
  holdConnected: z.enum(["yes", "no"], settingsMessages.holdConnected).transform((value) => value === "yes"),
  spikeMultiplier: wholeNumber(1, 1000, settingsMessages.spikeMultiplier),
  spikeMinComments: wholeNumber(1, 1_000_000, settingsMessages.spikeMinComments),
});

// --- reports ------------------------------------------------------------------

export const reportMessages = {
  reason: "Please choose why you are reporting this comment.",
  detailsMissing: "Please tell the moderators what is wrong with it.",
  detailsTooLong: "Please keep it under 1,000 characters.",
} as const;

export const reportSchema = z
  .object({
    reason: z.enum(REPORT_REASONS, reportMessages.reason),
    details: z.string().trim().max(1000, reportMessages.detailsTooLong),
  })
  .refine((value) => value.reason !== "other" || value.details.length > 0, { path: ["details"], message: reportMessages.detailsMissing });
