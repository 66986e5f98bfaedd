// The moderation rules moderators tune at /moderation/settings, stored in one
// row of `moderation_settings` (Discourse's "site settings", in Postgres). The
// defaults here are the documented ones (README, "Moderation") and equal the
// column defaults of migration 0003; a missing row means "all defaults".
import type { DB } from "../../db/connection";
import type { HoldMode } from "../../db/schema";
import { logAction, resolveActor } from "./moderation-log.server";

export { HOLD_MODES, type HoldMode } from "../../db/schema";

export interface ModerationSettings {
  /** Hold every comment, only first-time authors' comments, or none. */
  holdMode: HoldMode;
  /** A comment with more links than this is held. */
  maxLinks: number;
  /** Words that send a comment to Pending (whole words, any case; also in name, email, website). */
  heldWords: string[];
  /** Words that send a comment to Spam (same matching). */
  blockedWords: string[];
  /** Close an article's comments this many days after publication; null: never. */
  autoCloseDays: number | null;
  /** False: only members may comment. */
  guestsAllowed: boolean;
  /** Comments a guest IP may post per RATE_WINDOW_MINUTES. */
  guestRateLimit: number;
  /** Comments a member may post per RATE_WINDOW_MINUTES. */
  memberRateLimit: number;
  /**
   * Reports count towards hiding a comment only from members whose account is at
   * least this many hours old (and who have an approved comment): a raid of fresh
   * accounts cannot hide anything.
   */
  reporterMinAgeHours: number;
  /** A comment that mentions a ticker must say the author's position in it (default: asked, not required). */
  disclosureRequired: boolean;
  /** Hold a comment mentioning a ticker from an account (or guest email) younger than this many days; 0: off. */
  tickerNewAccountDays: number;
  /** Phrases that hold a comment when it also mentions a ticker (whole words, any case). */
  promotionalPhrases: string[];
  /** Hold a comment whose author says they are paid by or connected to a company it mentions. */
  holdConnected: boolean;
  /** Spike alert: a ticker's comments in 24 h above this many times its 30-day daily average... */
  spikeMultiplier: number;
  /** ...and at least this many of them. */
  spikeMinComments: number;
}

/** The promotional phrases of a new site (README, "Defences against promotion"); equal to migration 0014's default. */
export const DEFAULT_PROMOTIONAL_PHRASES: readonly string[] = Object.freeze(["guaranteed", "10x", "to the moon", "next big", "price target"]);

export const RATE_WINDOW_MINUTES = 10;

export const DEFAULT_MODERATION_SETTINGS: Readonly<ModerationSettings> = Object.freeze({
  holdMode: "first-time",
  maxLinks: 2,
  heldWords: [],
  blockedWords: [],
  autoCloseDays: null,
  guestsAllowed: true,
  guestRateLimit: 5,
  memberRateLimit: 20,
  reporterMinAgeHours: 24,
  disclosureRequired: false,
  tickerNewAccountDays: 3,
  promotionalPhrases: DEFAULT_PROMOTIONAL_PHRASES as string[],
  holdConnected: true,
  spikeMultiplier: 5,
  spikeMinComments: 20,
});

/** The settings in force (the stored row, or the defaults). */
export async function getModerationSettings(db: DB): Promise<ModerationSettings> {
  const row = await db.selectFrom("moderation_settings").selectAll().where("id", "=", true).executeTakeFirst();
  if (!row) return { ...DEFAULT_MODERATION_SETTINGS, heldWords: [], blockedWords: [], promotionalPhrases: [...DEFAULT_PROMOTIONAL_PHRASES] };
  return {
    holdMode: row.hold_mode,
    maxLinks: row.max_links,
    heldWords: row.held_words,
    blockedWords: row.blocked_words,
    autoCloseDays: row.auto_close_days,
    guestsAllowed: row.guests_allowed,
    guestRateLimit: row.guest_rate_limit,
    memberRateLimit: row.member_rate_limit,
    reporterMinAgeHours: row.reporter_min_age_hours,
    disclosureRequired: row.disclosure_required,
    tickerNewAccountDays: row.ticker_new_account_days,
    promotionalPhrases: row.promotional_phrases,
    holdConnected: row.hold_connected,
    spikeMultiplier: row.spike_multiplier,
    spikeMinComments: row.spike_min_comments,
  };
}

/**
 * Save the settings, in one transaction with the log entry that names what changed.
 * The row is locked first, so two moderators saving at once are applied one after
 * the other and each log entry shows the true "before".
 */
export async function saveModerationSettings(
  db: DB,
  input: { settings: ModerationSettings; moderatorId: number | null },
): Promise<{ changed: (keyof ModerationSettings)[] }> {
  const next = input.settings;
  return db.transaction().execute(async (trx) => {
    await trx.insertInto("moderation_settings").values({ id: true }).onConflict((oc) => oc.column("id").doNothing()).execute();
    await trx.selectFrom("moderation_settings").select("id").where("id", "=", true).forUpdate().executeTakeFirstOrThrow();
    const before = await getModerationSettings(trx);
    const changed = (Object.keys(DEFAULT_MODERATION_SETTINGS) as (keyof ModerationSettings)[]).filter(
      (key) => JSON.stringify(before[key]) !== JSON.stringify(next[key]),
    );
    if (changed.length === 0) return { changed };
    await trx
      .updateTable("moderation_settings")
      .set({
        hold_mode: next.holdMode,
        max_links: next.maxLinks,
        held_words: next.heldWords,
        blocked_words: next.blockedWords,
        auto_close_days: next.autoCloseDays,
        guests_allowed: next.guestsAllowed,
        guest_rate_limit: next.guestRateLimit,
        member_rate_limit: next.memberRateLimit,
        reporter_min_age_hours: next.reporterMinAgeHours,
        disclosure_required: next.disclosureRequired,
        ticker_new_account_days: next.tickerNewAccountDays,
        promotional_phrases: next.promotionalPhrases,
        hold_connected: next.holdConnected,
        spike_multiplier: next.spikeMultiplier,
        spike_min_comments: next.spikeMinComments,
        updated_at: new Date(),
        updated_by: input.moderatorId,
      })
      .where("id", "=", true)
      .execute();
    const actor = await resolveActor(trx, input.moderatorId);
    await logAction(trx, {
      actor,
      action: "settings",
      details: Object.fromEntries(changed.map((key) => [key, { before: before[key], after: next[key] }])),
    });
    return { changed };
  });
}
