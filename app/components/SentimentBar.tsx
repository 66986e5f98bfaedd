// Sentiment figures as a bar with its numbers in words: the last 7 days' Bullish
// and Bearish counts beside the previous 30 days' daily averages. The <meter> is a
// native, labelled bar; the sentences say everything it shows, without colour.
export interface SentimentFiguresView {
  bullish: number;
  bearish: number;
  bullishDailyAverage: number;
  bearishDailyAverage: number;
}

// One formatter for every render: toLocaleString with options builds a new one per call.
const PER_DAY = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

function perDay(n: number): string {
  return PER_DAY.format(n);
}

export function SentimentBar({ figures, subject, headingId = "sentiment-heading" }: { figures: SentimentFiguresView; subject: string; headingId?: string }) {
  const total = figures.bullish + figures.bearish;
  const share = total ? Math.round((figures.bullish / total) * 100) : null;
  return (
    <section className="sentiment" aria-labelledby={headingId}>
      <h2 id={headingId} className="sentiment__heading">
        Sentiment on {subject}
      </h2>
      {share !== null ? (
        <meter className="sentiment__meter" min={0} max={100} value={share} aria-label={`Last 7 days: ${share}% bullish`}>
          {share}% bullish
        </meter>
      ) : null}
      <p className="sentiment__recent">
        Last 7 days: {figures.bullish} bullish, {figures.bearish} bearish
        {share !== null ? ` (${share}% bullish)` : ""}.
      </p>
      <p className="sentiment__baseline">
        Previous 30 days, a day on average: {perDay(figures.bullishDailyAverage)} bullish, {perDay(figures.bearishDailyAverage)} bearish.
      </p>
    </section>
  );
}

/** Whether there is anything to show. */
export function hasSentiment(f: SentimentFiguresView): boolean {
  return f.bullish + f.bearish + f.bullishDailyAverage + f.bearishDailyAverage > 0;
}
