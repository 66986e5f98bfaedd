// Disclosure and sentiment: the words and form fields shared by the comment form
// (browser), the server that reads it, and the comment as shown. Pure.
import { DISCLOSURE_POSITIONS, SENTIMENTS, type DisclosurePosition, type Sentiment } from "./vocabulary";

export { DISCLOSURE_POSITIONS, SENTIMENTS, type DisclosurePosition, type Sentiment };

/** Form fields (other parts of the site read them too): one pair per mentioned ticker. */
export const disclosurePositionField = (tickerId: number) => `disclosure_position_${tickerId}`;
/** "1" when "I am paid by or connected to this company" is ticked. */
export const disclosureConnectedField = (tickerId: number) => `disclosure_connected_${tickerId}`;
/** Sent with each ticker's fieldset: the person was asked about it (so a missing answer is a choice, not an oversight). */
export const disclosureAskedField = (tickerId: number) => `disclosure_asked_${tickerId}`;
/** bullish, bearish, or empty. */
export const SENTIMENT_FIELD = "sentiment";

export const POSITION_CHOICES: { value: DisclosurePosition; label: string }[] = [
  { value: "long", label: "Long" },
  { value: "short", label: "Short" },
  { value: "none", label: "No position" },
  { value: "undisclosed", label: "Prefer not to say" },
];

/** How a declared position reads beside a comment: "Discloses: long $LYC". */
export const POSITION_WORDS: Record<DisclosurePosition, string> = {
  long: "long",
  short: "short",
  none: "no position in",
  undisclosed: "prefers not to say about",
};

export const SENTIMENT_LABELS: Record<Sentiment, string> = { bullish: "Bullish", bearish: "Bearish" };

export function isDisclosurePosition(value: unknown): value is DisclosurePosition {
  return typeof value === "string" && (DISCLOSURE_POSITIONS as readonly string[]).includes(value);
}

export function isSentiment(value: unknown): value is Sentiment {
  return typeof value === "string" && (SENTIMENTS as readonly string[]).includes(value);
}

export interface DisclosureAnswer {
  tickerId: number;
  position: DisclosurePosition;
  connected: boolean;
}

export const DISCLOSURE_REQUIRED_MESSAGE = "Please say what your position is in each company you mention (or choose Prefer not to say).";
export const DISCLOSURE_ASKED_MESSAGE =
  "Your comment mentions a listed company: please say whether you hold a position in it, then post again. Your comment is kept below.";
