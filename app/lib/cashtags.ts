// Cashtags ($MP, $LYC, $LYC.AX, $ASX:LYC, $600111) in Markdown. Pure and usable in
// the browser: which spellings a text uses; app/models/tickers.server.ts decides which
// are known tickers. Read with marked's own lexer (the same extension the renderer
// uses), so code spans, code blocks, link text and URLs never yield a cashtag.
import { Marked, type TokenizerAndRendererExtension, type Tokens } from "marked";

export interface Cashtag {
  /** Upper case, as written after the `$` (and after `EXCHANGE:`), without a `.XX` suffix. */
  symbol: string;
  /** Upper case when written (`$ASX:LYC`), else null. */
  exchange: string | null;
  /** Upper case `.AX`-style suffix when written (`$LYC.AX` → "AX"), else null. */
  suffix: string | null;
  /** Exactly as written, `$` included. */
  text: string;
}

export interface CashtagToken extends Tokens.Generic {
  type: "cashtag";
  raw: string;
  cashtag: Cashtag;
}

// A symbol starts with a letter (MP, LYC, BRK), or is a six-digit code (600111 on
// SSE/SZSE); shorter numbers are only symbols with an exchange written ($HKEX:0700,
// $0700.HK), so amounts like $5 or $1000 stay amounts. Not inside a word or after
// another `$`, and not followed by a letter, digit or `$` (trailing punctuation ends it).
const SYMBOL = String.raw`(?:([A-Za-z]{2,10}):)?([A-Za-z][A-Za-z0-9]{0,9}|[0-9]{1,6})(?:\.([A-Za-z]{1,3}))?(?![\w$])`;
const AT_START = new RegExp(String.raw`^\$${SYMBOL}`);
const ANYWHERE = new RegExp(String.raw`(^|[^\w$])\$${SYMBOL}`, "g");

function read(m: RegExpMatchArray, text: string): Cashtag | null {
  const [, exchange, symbol, suffix] = m;
  // Digits alone are a price; six digits is a mainland China code, fewer need an exchange.
  if (/^[0-9]+$/.test(symbol!) && symbol!.length < 6 && !exchange && !suffix) return null;
  return {
    symbol: symbol!.toUpperCase(),
    exchange: exchange ? exchange.toUpperCase() : null,
    suffix: suffix ? suffix.toUpperCase() : null,
    text,
  };
}

/** Where the next cashtag could begin in `src` (for marked's text splitting). */
function nextStart(src: string): number | undefined {
  ANYWHERE.lastIndex = 0;
  for (const m of src.matchAll(ANYWHERE)) {
    const text = m[0].slice(m[1]!.length);
    if (read(m.slice(1) as RegExpMatchArray, text)) return m.index! + m[1]!.length;
  }
  return undefined;
}

/**
 * The marked inline extension: a `cashtag` token. `renderCashtag` turns it into HTML
 * (a link for a known ticker, the escaped text otherwise).
 */
export function cashtagExtension(renderCashtag: (tag: Cashtag) => string = (tag) => tag.text): TokenizerAndRendererExtension {
  return {
    name: "cashtag",
    level: "inline",
    start: nextStart,
    tokenizer(src, tokens) {
      // Link text is not a place for another link.
      if (this.lexer.state.inLink) return undefined;
      const m = AT_START.exec(src);
      if (!m) return undefined;
      const previous = tokens[tokens.length - 1];
      if (previous && /[\w$]$/.test(previous.raw)) return undefined;
      const tag = read([m[0], m[1], m[2], m[3]] as unknown as RegExpMatchArray, m[0]);
      if (!tag) return undefined;
      const token: CashtagToken = { type: "cashtag", raw: m[0], cashtag: tag };
      return token;
    },
    renderer(token) {
      return renderCashtag((token as CashtagToken).cashtag);
    },
  };
}

const reader = new Marked({ gfm: true, breaks: true, extensions: [cashtagExtension()] });

/** The cashtags a text uses, each spelling once, in order of first use. */
export function parseCashtags(markdown: string): Cashtag[] {
  // Every cashtag starts with "$": most comments have none, and a comment POST asks three
  // times (the form's disclosure, the moderation rules, the write), each a full Markdown lex.
  if (!markdown.includes("$")) return [];
  const found = new Map<string, Cashtag>();
  const tokens = reader.lexer(markdown);
  reader.walkTokens(tokens, (token) => {
    if (token.type !== "cashtag") return;
    const tag = (token as CashtagToken).cashtag;
    const key = `${tag.exchange ?? ""}:${tag.symbol}:${tag.suffix ?? ""}`;
    if (!found.has(key)) found.set(key, tag);
  });
  return [...found.values()];
}
