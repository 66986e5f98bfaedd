// Where a ticker lives on the site. Exchange and symbol are upper case in the
// database; the path keeps them so ("/tickers/ASX/LYC").
export function tickerPath(ticker: { exchange: string; symbol: string }, suffix = ""): string {
  return `/tickers/${encodeURIComponent(ticker.exchange)}/${encodeURIComponent(ticker.symbol)}${suffix}`;
}

/** How a ticker is written for readers: "$LYC (ASX)". */
export function tickerLabel(ticker: { exchange: string; symbol: string }): string {
  return `$${ticker.symbol} (${ticker.exchange})`;
}
