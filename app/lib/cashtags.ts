// Cashtags ($MP, $LYC, $LYC.AX, $ASX:LYC) in Markdown. Pure: which spellings a
// text uses; app/models/tickers.server.ts decides which are known tickers.
// (A first version: the tickers work refines it — code spans, links, punctuation.)

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

const CASHTAG = /(^|[^\w$])\$(?:([A-Za-z]{2,10}):)?([A-Za-z][A-Za-z0-9]{0,9}|[0-9]{4,6})(?:\.([A-Za-z]{1,3}))?(?![\w$])/g;

export function parseCashtags(markdown: string): Cashtag[] {
  const found = new Map<string, Cashtag>();
  for (const m of markdown.matchAll(CASHTAG)) {
    const tag: Cashtag = {
      symbol: m[3]!.toUpperCase(),
      exchange: m[2] ? m[2].toUpperCase() : null,
      suffix: m[4] ? m[4].toUpperCase() : null,
      text: m[0].slice(m[1]!.length),
    };
    found.set(`${tag.exchange ?? ""}:${tag.symbol}:${tag.suffix ?? ""}`, tag);
  }
  return [...found.values()];
}
