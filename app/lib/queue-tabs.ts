// The tabs of the moderation queue. Safe for the browser.

export const QUEUE_TABS = ["pending", "reported", "spam", "trash"] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];

export const QUEUE_TAB_LABELS: Record<QueueTab, string> = {
  pending: "Pending",
  reported: "Reported",
  spam: "Spam",
  trash: "Trash",
};

export function isQueueTab(value: unknown): value is QueueTab {
  return typeof value === "string" && (QUEUE_TABS as readonly string[]).includes(value);
}
