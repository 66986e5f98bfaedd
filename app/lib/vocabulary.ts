// The words some text columns hold (comment statuses, roles, follow levels…), as
// lists and types. Here rather than in db/schema.ts (which re-exports them) so that
// pages, components and the domain can share them without importing db/. Pure.

export const COMMENT_STATUSES = ["pending", "approved", "spam", "trash"] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

/** Account roles, lowest first: each role may do what the ones before it may (see app/lib/roles.ts). */
export const ROLES = ["member", "moderator", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const SENTIMENTS = ["bullish", "bearish"] as const;
export type Sentiment = (typeof SENTIMENTS)[number];
export const DISCLOSURE_POSITIONS = ["long", "short", "none", "undisclosed"] as const;
/** A commenter's declared position in a ticker: "none" is No position, "undisclosed" Prefer not to say. */
export type DisclosurePosition = (typeof DISCLOSURE_POSITIONS)[number];

export const HOLD_MODES = ["all", "first-time", "none"] as const;
export type HoldMode = (typeof HOLD_MODES)[number];

export const REPORT_STATES = ["open", "dismissed", "upheld"] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export const REPORT_REASONS = ["spam", "abuse", "off-topic", "promotion", "other"] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** Follow levels, as Discourse's watched categories (most mail first; muted hides the category). */
export const FOLLOW_LEVELS = ["watching", "following", "daily", "weekly", "muted"] as const;
export type FollowLevel = (typeof FOLLOW_LEVELS)[number];
