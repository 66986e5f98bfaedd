// What the moderation queue shows of each comment: the shape app/models/moderation-queue.server.ts
// reads and app/components/ModerationQueue.tsx draws, kept here so that both can use it
// (components never import the domain). Types only.
import type { CommentStatus, DisclosurePosition, ReportReason, ReportState, Role, Sentiment } from "./vocabulary";

export interface QueueItem {
  id: number;
  status: CommentStatus;
  reportState: ReportState | null;
  /** Hidden by member reports, pending review (still approved). */
  hidden: boolean;
  createdAt: string;
  article: { id: number; slug: string; title: string };
  parent: { id: number; authorName: string } | null;
  author: {
    name: string;
    /** Shown on moderator pages only. */
    email: string;
    url: string;
    member: { userId: number; role: Role; restricted: "banned" | "suspended" | null } | null;
    /** Approved comments by the same author (member: account; guest: email), this one left out. */
    approvedBefore: number;
    /** Whether this guest's email or IP hash is blocked. */
    guestBlocked: boolean;
    hasIpHash: boolean;
  };
  heldReason: string | null;
  /** Bullish or Bearish, as readers will see it. */
  sentiment: Sentiment | null;
  /** The author's positions in the tickers it mentions ("Paid or connected" among them), in ticker order. */
  disclosures: { symbol: string; exchange: string; position: DisclosurePosition; connected: boolean }[];
  bodyHtml: string;
  bodyMarkdown: string;
  bodyFingerprint: string;
  reports: ReportSummary | null;
}

export interface ReportSummary {
  count: number;
  reasons: { reason: ReportReason; label: string; count: number }[];
  /** What members wrote with "other" (or any reason), newest first. */
  notes: string[];
}
