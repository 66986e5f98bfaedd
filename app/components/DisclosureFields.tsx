// The comment form's disclosure questions, one fieldset per known ticker the
// comment mentions, and the optional Bullish / Bearish choice. Works without
// JavaScript (the server sends the questions back on a first post that mentions
// tickers); with it, the questions appear as the person types a cashtag.
import { useFetcher } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import {
  POSITION_CHOICES,
  SENTIMENT_FIELD,
  disclosureAskedField,
  disclosureConnectedField,
  disclosurePositionField,
  type DisclosurePosition,
  type Sentiment,
} from "~/lib/disclosure";

export interface MentionedTicker {
  id: number;
  symbol: string;
  exchange: string;
  companyName: string;
}

export type DisclosureAnswers = Record<number, { position: DisclosurePosition | ""; connected: boolean }>;

export interface DisclosureState {
  tickers: MentionedTicker[];
  answers: DisclosureAnswers;
  required: boolean;
  sentiment: Sentiment | "";
}

interface Lookup {
  tickers: MentionedTicker[];
  required: boolean;
  defaults: DisclosureAnswers;
}

/** Watches the comment text and asks the server which of its cashtags are known tickers. */
export function useMentionedTickers(initial: DisclosureState | null | undefined) {
  const fetcher = useFetcher<Lookup>();
  const asked = useRef<string>("");
  const timer = useRef<ReturnType<typeof setTimeout>>();
  // A server answer (after a post) stands until the person types again.
  const [typed, setTyped] = useState(false);
  useEffect(() => setTyped(false), [initial]);
  const onCommentInput = useCallback(
    (text: string) => {
      setTyped(true);
      clearTimeout(timer.current);
      timer.current = setTimeout(async () => {
        // The cashtag reader is Markdown's lexer (marked, a fifth of the page's script):
        // fetched the first time a "$" is typed, not with every article page.
        const tags = text.includes("$") ? (await import("~/lib/cashtags")).parseCashtags(text).map((t) => t.text).sort() : [];
        const key = tags.join(" ");
        if (key === asked.current) return;
        asked.current = key;
        const query = new URLSearchParams(tags.map((tag) => ["tag", tag]));
        fetcher.load(`/tickers/mentioned?${query}`);
      }, 300);
    },
    [fetcher],
  );
  useEffect(() => () => clearTimeout(timer.current), []);
  const looked = fetcher.data;
  const state: DisclosureState | null =
    looked && (typed || !initial)
      ? {
          tickers: looked.tickers,
          answers: { ...looked.defaults, ...(initial?.answers ?? {}) },
          required: looked.required,
          sentiment: initial?.sentiment ?? "",
        }
      : (initial ?? null);
  return { state, onCommentInput };
}

export function SentimentField({ value }: { value: Sentiment | "" }) {
  return (
    <fieldset className="comment-form-sentiment">
      <legend>Sentiment (optional)</legend>
      {(
        [
          ["", "Neither"],
          ["bullish", "Bullish"],
          ["bearish", "Bearish"],
        ] as const
      ).map(([choice, label]) => (
        <span key={choice || "neither"} className="comment-form-sentiment__choice">
          <input type="radio" id={`sentiment-${choice || "neither"}`} name={SENTIMENT_FIELD} value={choice} defaultChecked={value === choice} />{" "}
          <label htmlFor={`sentiment-${choice || "neither"}`}>{label}</label>{" "}
        </span>
      ))}
    </fieldset>
  );
}

export function DisclosureFields({ state }: { state: DisclosureState | null }) {
  if (!state || state.tickers.length === 0) return null;
  return (
    <div className="comment-form-disclosure" id="disclosure">
      <p className="field-hint" id="disclosure-hint">
        Your comment mentions {state.tickers.length === 1 ? "a listed company" : "listed companies"}. Readers see your answer beside
        your comment{state.required ? "; an answer is required" : ""}.
      </p>
      {state.tickers.map((ticker) => {
        const answer = state.answers[ticker.id] ?? { position: "", connected: false };
        const base = `disclosure-${ticker.id}`;
        return (
          // The key carries the answer so a server-sent answer replaces what the fields showed.
          <fieldset key={`${ticker.id}:${answer.position}:${answer.connected}`} aria-describedby="disclosure-hint">
            <legend>
              Your position in ${ticker.symbol} ({ticker.companyName}, {ticker.exchange})
              {state.required ? <span className="required"> *</span> : null}
            </legend>
            <input type="hidden" name={disclosureAskedField(ticker.id)} value="1" />
            {POSITION_CHOICES.map((choice) => (
              <span key={choice.value} className="comment-form-disclosure__choice">
                <input
                  type="radio"
                  id={`${base}-${choice.value}`}
                  name={disclosurePositionField(ticker.id)}
                  value={choice.value}
                  defaultChecked={answer.position === choice.value}
                />{" "}
                <label htmlFor={`${base}-${choice.value}`}>{choice.label}</label>{" "}
              </span>
            ))}
            <p className="comment-form-disclosure__connected">
              <input type="checkbox" id={`${base}-connected`} name={disclosureConnectedField(ticker.id)} value="1" defaultChecked={answer.connected} />{" "}
              <label htmlFor={`${base}-connected`}>I am paid by or connected to this company</label>
            </p>
          </fieldset>
        );
      })}
    </div>
  );
}
