// Row types for every table, in one Database interface (Kysely's convention).
// Migrations never import this file: they are frozen in time and take Kysely<any>.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type { CommentStatus, DisclosurePosition, FollowLevel, HoldMode, ReportReason, ReportState, Role, Sentiment } from "../app/lib/vocabulary";

// The lists pages and the domain share are kept with the other pure words (app/lib
// may not import db/); every module that reads them from here still can.
export { COMMENT_STATUSES, DISCLOSURE_POSITIONS, FOLLOW_LEVELS, HOLD_MODES, REPORT_REASONS, REPORT_STATES, ROLES, SENTIMENTS } from "../app/lib/vocabulary";
export type { CommentStatus, DisclosurePosition, FollowLevel, HoldMode, ReportReason, ReportState, Role, Sentiment };

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CategoriesTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string;
  created_at: Generated<Date>;
}

export interface ArticlesTable {
  id: Generated<number>;
  slug: string;
  title: string;
  /** The "Highlights" bullet points shown above the body. */
  highlights: ColumnType<string[], string[] | undefined, string[]>;
  body_markdown: string;
  /** Rendered and sanitized once, when the article is saved. */
  body_html: string;
  excerpt: string;
  byline: string;
  /** Null while the article is a draft; in the future it is scheduled. */
  published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** False once a moderator closed its comments (auto-close is computed from published_at). */
  comments_open: Generated<boolean>;
  /** Set when first published or scheduled; null: a draft. The slug is stable from then on. */
  first_published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** While unpublished: the published_at it had, restored by publishing again. */
  withdrawn_published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Optimistic concurrency: every save checks and bumps it. */
  version: Generated<number>;
  /** The editor wrote the excerpt; otherwise it is derived from the body. */
  excerpt_is_custom: Generated<boolean>;
  /** When the job queue told followers the article appeared (once). */
  announced_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  updated_by: ColumnType<number | null, number | null | undefined, number | null>;
  /** Its address on the news site it belongs to (imported or embedded articles); unique (migration 0007). */
  canonical_url: ColumnType<string | null, string | null | undefined, string | null>;
}

export const REVISION_KINDS = ["save", "publish", "unpublish", "restore", "import"] as const;
export type RevisionKind = (typeof REVISION_KINDS)[number];

/** Every save of an article: who, when, and the full text and fields. */
export interface ArticleRevisionsTable {
  id: Generated<number>;
  article_id: number;
  version: number;
  created_at: Timestamp;
  author_id: number | null;
  author_name: string;
  kind: ColumnType<RevisionKind, RevisionKind | undefined, RevisionKind>;
  restored_from: number | null;
  title: string;
  slug: string;
  byline: string;
  highlights: ColumnType<string[], string[], string[]>;
  body_markdown: string;
  excerpt: string;
  excerpt_is_custom: boolean;
  category_slugs: ColumnType<string[], string[], string[]>;
  published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  comments_open: boolean;
}

/** An old article slug, answering 301 to the article's current address. */
export interface ArticleSlugRedirectsTable {
  slug: string;
  article_id: number;
  created_at: Timestamp;
}

/** An old category slug, answering 301 to the category's current address. */
export interface CategorySlugRedirectsTable {
  slug: string;
  category_id: number;
  created_at: Timestamp;
}

export interface ArticleCategoriesTable {
  article_id: number;
  category_id: number;
}

export interface CommentsTable {
  id: Generated<number>;
  article_id: number;
  parent_id: number | null;
  status: ColumnType<CommentStatus, CommentStatus | undefined, CommentStatus>;
  author_name: string;
  /** Never sent to a browser except to moderators (see app/models/comments.server.ts). */
  author_email: string;
  author_url: Generated<string>;
  body_markdown: string;
  /** Rendered and sanitized once, at write time. */
  body_html: string;
  /** Why the moderation pipeline held the comment, shown to moderators. */
  held_reason: string | null;
  /** HMAC of the poster's IP address: enough to spot a flood, useless to identify anyone. */
  ip_hash: Generated<string>;
  user_agent: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The member who wrote it; null for a guest (or once the account was deleted). */
  user_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** Member reports: null (none), open (waits in Reported), dismissed (kept, no more reports), upheld. */
  report_state: ColumnType<ReportState | null, ReportState | null | undefined, ReportState | null>;
  /** The top-level comment a reply belongs to (null on a top-level comment). Set by a trigger. */
  root_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** Hidden by member reports, pending review: still approved, shown as a placeholder (migration 0005). */
  hidden_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Its author wants to hear of replies to it (members by default; guests tick a box). Migration 0007. */
  notify_replies: ColumnType<boolean, boolean | undefined, boolean>;
  /** Bullish or Bearish, optional, set once with the comment (migration 0013). */
  sentiment: ColumnType<Sentiment | null, Sentiment | null | undefined, never>;
}

export interface SiteSecretsTable {
  name: string;
  value: string;
  created_at: Generated<Date>;
}

export interface UsersTable {
  id: Generated<number>;
  /** Null only once the account is deleted. Never sent to a browser except to its owner. */
  email: string | null;
  display_name: string;
  /** argon2id (PHC string); null only once the account is deleted. */
  password_hash: string | null;
  role: ColumnType<Role, Role | undefined, Role>;
  email_verified_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Timestamp;
  deleted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Their own comments make them watch replies to them, unless turned off (migration 0007). */
  notify_replies_default: ColumnType<boolean, boolean | undefined, boolean>;
  /** Their last visit of /following: what came after is marked new. */
  following_visited_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The secret in their personal feed's URL, shown on /account; null until first made. */
  feed_token: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Lucia's sessions. `id` is the SHA-256 (hex) of the token in the cookie, never the token. */
export interface SessionsTable {
  id: string;
  user_id: number;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  created_at: Timestamp;
  user_agent: Generated<string>;
}

export const TOKEN_PURPOSES = ["verify-email", "reset-password"] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** Single-use links sent by email; only the SHA-256 of the token is stored. */
export interface UserTokensTable {
  id: Generated<number>;
  user_id: number;
  purpose: TokenPurpose;
  token_hash: string;
  /** The address the link was sent to (for an email change, the new address). */
  email: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Timestamp;
}

/** Mail kept in the database when SMTP_URL is not set; shown at /dev/outbox outside production. */
export interface OutboxTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  text_body: string;
  created_at: Timestamp;
}

/** Fixed-window counters of app/models/rate-limits.server.ts. */
export interface RateLimitsTable {
  bucket: string;
  key: string;
  count: number;
  window_started_at: ColumnType<Date, Date | string, Date | string>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

/** One row (id = true): the rules moderators tune at /moderation/settings. */
export interface ModerationSettingsTable {
  id: Generated<boolean>;
  hold_mode: ColumnType<HoldMode, HoldMode | undefined, HoldMode>;
  max_links: ColumnType<number, number | undefined, number>;
  held_words: ColumnType<string[], string[] | undefined, string[]>;
  blocked_words: ColumnType<string[], string[] | undefined, string[]>;
  auto_close_days: ColumnType<number | null, number | null | undefined, number | null>;
  guests_allowed: ColumnType<boolean, boolean | undefined, boolean>;
  guest_rate_limit: ColumnType<number, number | undefined, number>;
  member_rate_limit: ColumnType<number, number | undefined, number>;
  /** Reports count towards hiding a comment only from accounts at least this old (migration 0005). */
  reporter_min_age_hours: ColumnType<number, number | undefined, number>;
  /** A comment that mentions a ticker must answer the disclosure (migration 0013; default asked, not required). */
  disclosure_required: ColumnType<boolean, boolean | undefined, boolean>;
  /** Promotion rules and spike alert (migration 0014). */
  ticker_new_account_days: ColumnType<number, number | undefined, number>;
  promotional_phrases: ColumnType<string[], string[] | undefined, string[]>;
  hold_connected: ColumnType<boolean, boolean | undefined, boolean>;
  spike_multiplier: ColumnType<number, number | undefined, number>;
  spike_min_comments: ColumnType<number, number | undefined, number>;
  updated_at: Timestamp;
  updated_by: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface CommentReportsTable {
  id: Generated<number>;
  comment_id: number;
  reporter_id: number;
  reason: ReportReason;
  details: Generated<string>;
  created_at: Timestamp;
}

export type RestrictionKind = "ban" | "suspension";

/** A member's current ban or suspension (history is in moderation_log). */
export interface MemberRestrictionsTable {
  user_id: number;
  kind: RestrictionKind;
  /** Null for a ban; when a suspension ends. */
  until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  reason: string;
  created_by: number | null;
  created_at: Timestamp;
}

export type GuestBlockKind = "email" | "ip";

/** Guests blocked by email (lower case) or by IP hash. */
export interface BlockedGuestsTable {
  id: Generated<number>;
  kind: GuestBlockKind;
  value: string;
  reason: string;
  created_by: number | null;
  created_at: Timestamp;
}

/** Append-only (a trigger rejects UPDATE and DELETE): every moderation action. */
export interface ModerationLogTable {
  id: Generated<number>;
  created_at: Timestamp;
  /** Null when the system acted (a rule, the report threshold, a script). */
  moderator_id: number | null;
  moderator_name: string;
  action: string;
  comment_id: number | null;
  article_id: number | null;
  author_user_id: number | null;
  author_name: string | null;
  /** Shown only on moderator pages. */
  author_email: string | null;
  target_user_id: number | null;
  status_before: string | null;
  status_after: string | null;
  reason: Generated<string>;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}

/** A member's level for one category (no row: not following). */
export interface CategoryFollowsTable {
  user_id: number;
  category_id: number;
  level: FollowLevel;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** When this follow's last digest went out (daily and weekly). */
  last_digest_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** Members mailed for each newly approved comment of an article's thread. */
export interface ThreadWatchesTable {
  user_id: number;
  article_id: number;
  created_at: Timestamp;
}

/** A guest's address: mailed only its confirmation link until confirmed (double opt-in). Lower case. */
export interface GuestMailAddressesTable {
  email: string;
  created_at: Timestamp;
  confirmation_sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  confirmed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  unsubscribed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export const NOTIFICATION_KINDS = ["reply", "article"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** What /notifications lists; unique per (member, comment) for replies and (member, article) for articles. */
export interface NotificationsTable {
  /** bigint, read as a number (db/connection.ts). */
  id: Generated<number>;
  user_id: number;
  kind: NotificationKind;
  article_id: number;
  comment_id: number | null;
  created_at: Timestamp;
  read_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export const IMPORT_SOURCES = ["wordpress", "disqus"] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];
export type ImportKind = "article" | "comment" | "category";

/** What a record of a WordPress or Disqus export became here (migration 0009): reruns update in place. */
export interface ImportKeysTable {
  source: ImportSource;
  /** The WordPress site (base blog URL) or Disqus forum (short name). */
  site: string;
  kind: ImportKind;
  external_id: string;
  article_id: number | null;
  comment_id: number | null;
  category_id: number | null;
  created_at: Timestamp;
}

/** An imported post's old path (percent-decoded, no trailing slash): 301 to its article. */
export interface PermalinkRedirectsTable {
  path: string;
  article_id: number;
  created_at: Timestamp;
}

export const MAIL_KINDS = ["article", "reply", "thread", "digest", "guest-confirm"] as const;
export type MailKind = (typeof MAIL_KINDS)[number];
export const DELIVERY_STATUSES = ["pending", "sending", "sent", "failed", "skipped"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One mail to one recipient for one event, sent once (migration 0008; see app/models/mail-deliveries.server.ts). */
export interface MailDeliveriesTable {
  /** bigint, read as a number (db/connection.ts). */
  id: Generated<number>;
  event_key: string;
  recipient: string;
  user_id: number | null;
  kind: MailKind;
  article_id: number | null;
  comment_id: number | null;
  category_id: number | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_error: string | null;
  created_at: Timestamp;
}

export interface Database {
  categories: CategoriesTable;
  articles: ArticlesTable;
  article_categories: ArticleCategoriesTable;
  comments: CommentsTable;
  site_secrets: SiteSecretsTable;
  users: UsersTable;
  sessions: SessionsTable;
  user_tokens: UserTokensTable;
  outbox: OutboxTable;
  rate_limits: RateLimitsTable;
  moderation_settings: ModerationSettingsTable;
  comment_reports: CommentReportsTable;
  member_restrictions: MemberRestrictionsTable;
  blocked_guests: BlockedGuestsTable;
  moderation_log: ModerationLogTable;
  article_revisions: ArticleRevisionsTable;
  article_slug_redirects: ArticleSlugRedirectsTable;
  category_slug_redirects: CategorySlugRedirectsTable;
  category_follows: CategoryFollowsTable;
  thread_watches: ThreadWatchesTable;
  guest_mail_addresses: GuestMailAddressesTable;
  notifications: NotificationsTable;
  embed_settings: EmbedSettingsTable;
  embed_logins: EmbedLoginsTable;
  import_keys: ImportKeysTable;
  permalink_redirects: PermalinkRedirectsTable;
  mail_deliveries: MailDeliveriesTable;
  tickers: TickersTable;
  article_tickers: ArticleTickersTable;
  comment_tickers: CommentTickersTable;
  ticker_follows: TickerFollowsTable;
  comment_disclosures: CommentDisclosuresTable;
  disclosure_defaults: DisclosureDefaultsTable;
  member_labels: MemberLabelsTable;
  member_ignores: MemberIgnoresTable;
}

export const LABEL_KINDS = ["staff", "company-representative"] as const;
export type LabelKind = (typeof LABEL_KINDS)[number];

/** A label administrators verified (migration 0014); "Author" is not stored, it follows the byline. */
export interface MemberLabelsTable {
  id: Generated<number>;
  user_id: number;
  kind: LabelKind;
  /** The company (ticker) a representative speaks for; null for Staff. */
  ticker_id: number | null;
  role: Generated<string>;
  granted_by: number | null;
  created_at: Timestamp;
}

/** Whom a member ignores (migration 0014). */
export interface MemberIgnoresTable {
  user_id: number;
  ignored_user_id: number;
  created_at: Timestamp;
}

/** A listed company, kept by editors at /admin/tickers (migration 0011). Symbol and exchange upper case. */
export interface TickersTable {
  id: Generated<number>;
  symbol: string;
  exchange: string;
  company_name: string;
  /** Other spellings a cashtag may use (e.g. LYC.AX), upper case. */
  aliases: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ArticleTickersTable {
  article_id: number;
  ticker_id: number;
}

/** A known ticker a comment mentions; created_at, approved and article_id are filled and kept by triggers. */
export interface CommentTickersTable {
  comment_id: number;
  ticker_id: number;
  article_id: ColumnType<number, number | undefined, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  approved: ColumnType<boolean, boolean | undefined, never>;
  /** The comment's sentiment, copied by a trigger (migration 0013). */
  sentiment: ColumnType<Sentiment | null, never, never>;
}

/** The position a comment's author declared in a ticker it mentions: written once, never changed (migration 0013). */
export interface CommentDisclosuresTable {
  comment_id: number;
  ticker_id: number;
  position: DisclosurePosition;
  connected: ColumnType<boolean, boolean | undefined, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

/** A member's usual answers per ticker, prefilled in the form; shown to nobody else (migration 0013). */
export interface DisclosureDefaultsTable {
  user_id: number;
  ticker_id: number;
  position: DisclosurePosition;
  connected: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: Timestamp;
}

/** A member's level for one ticker, as for a category. */
export interface TickerFollowsTable {
  user_id: number;
  ticker_id: number;
  level: FollowLevel;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_digest_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export const UNKNOWN_URL_CHOICES = ["create", "closed"] as const;
/** For a page on an allowed host that no article has yet: create its thread on first view, or say comments are not open. */
export type UnknownUrlChoice = (typeof UNKNOWN_URL_CHOICES)[number];

/** One row (migration 0010): the editors' embedding setting. */
export interface EmbedSettingsTable {
  id: Generated<boolean>;
  unknown_urls: ColumnType<UnknownUrlChoice, UnknownUrlChoice | undefined, UnknownUrlChoice>;
  updated_at: Timestamp;
  updated_by: ColumnType<number | null, number | null | undefined, number | null>;
}

/** One-time tickets from the log-in popup to the embedded frame (migration 0010); only their hash. */
export interface EmbedLoginsTable {
  token_hash: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export type Category = Selectable<CategoriesTable>;
export type Article = Selectable<ArticlesTable>;
export type NewArticle = Insertable<ArticlesTable>;
export type Comment = Selectable<CommentsTable>;
export type NewComment = Insertable<CommentsTable>;
export type CommentUpdate = Updateable<CommentsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
