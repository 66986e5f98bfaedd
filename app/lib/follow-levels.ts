// The follow levels in the newsroom's words: shared by pages and the domain
// (app/models/follows.server.ts). Safe to import anywhere (no server code).
import { FOLLOW_LEVELS, type FollowLevel } from "./vocabulary";

export { FOLLOW_LEVELS, type FollowLevel };

/** A level, or no row at all. */
export type FollowChoice = FollowLevel | "none";
export const FOLLOW_CHOICES: readonly FollowChoice[] = [...FOLLOW_LEVELS, "none"];

/** What each level does (the README's "Following" section says the same). */
export const FOLLOW_LEVEL_TEXT: Record<FollowChoice, { label: string; description: string }> = {
  watching: { label: "Watching", description: "A mail for each new article; on your Following page and personal feed." },
  following: { label: "Following", description: "On your Following page and personal feed; no mail." },
  daily: { label: "Daily digest", description: "One mail a day listing what is new, only when something is." },
  weekly: { label: "Weekly digest", description: "One mail a week listing what is new, only when something is." },
  muted: { label: "Muted", description: "Its articles leave your home page and your Following page." },
  none: { label: "Not following", description: "Nothing: the category as any reader sees it." },
};

/** The levels whose categories fill /following (and the personal feed). */
export const FOLLOWING_PAGE_LEVELS: readonly FollowLevel[] = ["watching", "following"];

/** Levels that count as following a category (its follower count); muting is not following. */
export const FOLLOWER_LEVELS: readonly FollowLevel[] = ["watching", "following", "daily", "weekly"];

export function parseFollowChoice(value: unknown): FollowChoice | null {
  return typeof value === "string" && (FOLLOW_CHOICES as readonly string[]).includes(value) ? (value as FollowChoice) : null;
}
