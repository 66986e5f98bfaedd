// What an app instance remembers of a member's session for their article pages
// (app/composition/member-pages.server.ts), so that a run of article pages costs no
// statement at all: the member, their unread count and whom they ignore, and their
// follow of each thread, as the session's one read found them.
//
// Kept right by PostgreSQL: triggers (migration 0016_member_notices) send NOTIFY
// assay_members with the member's id on any change to their session, account,
// ignores, notifications or thread watches, whoever makes it; every instance drops
// what it remembers of them. A member's own request that is not one of these pages
// (a POST, a visit to /notifications, a page of data) drops what this instance
// remembers of their session before it runs, so they never see their own change
// late; someone else's change (a reply, an administrator's) shows once its notice
// arrives, within milliseconds. Off while the LISTEN connection is down, like the
// page caches; each entry lives at most the caches' TTL, and never past the first
// half of its session's life (after that Lucia extends the session, on a full read).
import type { CurrentUser } from "./session.server";
import type { ArticleFollowState } from "../models/follows.server";
import { hashToken } from "../lib/tokens.server";
import { parseInvalidation, TaggedCache, type Invalidatable, type Ticket } from "../lib/tagged-cache";

export interface RememberedMember {
  user: CurrentUser;
  follow: ArticleFollowState;
  /** When the session expires (ms since the epoch), as read. */
  sessionExpiresAt: number;
}

const memberTag = (id: number) => `member:${id}`;
const sessionTag = (tokenHash: string) => `session:${tokenHash}`;

export class MemberMemo implements Invalidatable {
  private readonly cache: TaggedCache<RememberedMember>;

  constructor(options: { maxBytes?: number; ttlMs?: number } = {}) {
    this.cache = new TaggedCache<RememberedMember>({
      ...options,
      sizeOf: (entry) => 400 + entry.user.displayName.length * 2 + entry.user.ignoredUserIds.length * 8,
    });
  }

  /** The entry of a session token and an article's slug. */
  static key(token: string, slug: string): string {
    return `${hashToken(token)}|${slug}`;
  }

  get(key: string): RememberedMember | undefined {
    return this.cache.get(key);
  }

  begin(): Ticket {
    return this.cache.begin();
  }

  /** Keep what one read found, unless a notice about the member came since `ticket`. */
  store(ticket: Ticket, key: string, entry: RememberedMember): void {
    this.cache.store(ticket, key, entry, [memberTag(entry.user.id), sessionTag(key.slice(0, key.indexOf("|")))]);
  }

  /** Forget a session's entries (its member is about to do something other than read an article page). */
  forgetSession(token: string): void {
    this.cache.invalidateTags([sessionTag(hashToken(token))]);
  }

  enable(): void {
    this.cache.enable();
  }

  disable(): void {
    this.cache.disable();
  }

  /** A NOTIFY assay_members payload: member ids, or `*`. */
  applyNotification(payload: string | undefined): void {
    const ids = parseInvalidation(payload);
    if (ids === "*") this.cache.invalidateAll();
    else this.cache.invalidateTags(ids.map(memberTag));
  }
}
