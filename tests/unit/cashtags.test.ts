import { describe, expect, it } from "vitest";
import { parseCashtags } from "~/lib/cashtags";
import { renderArticleMarkdown, renderCommentMarkdown } from "~/lib/markdown.server";

const written = (markdown: string) => parseCashtags(markdown).map((t) => t.text);

describe("parseCashtags", () => {
  it("reads the plain, suffixed and exchange forms, upper-cased", () => {
    expect(parseCashtags("Buying $lyc.ax and $ASX:LYC, watching $MP")).toEqual([
      { symbol: "LYC", exchange: null, suffix: "AX", text: "$lyc.ax" },
      { symbol: "LYC", exchange: "ASX", suffix: null, text: "$ASX:LYC" },
      { symbol: "MP", exchange: null, suffix: null, text: "$MP" },
    ]);
  });

  it("reads six-digit codes, and shorter numbers only with an exchange", () => {
    expect(written("$600111 on SSE, $HKEX:0700 and $0700.HK")).toEqual(["$600111", "$HKEX:0700", "$0700.HK"]);
  });

  it("finds none in text without a dollar sign, even when it names a ticker", () => {
    expect(parseCashtags("LYC and ASX:LYC and MP, in prose and `code`")).toEqual([]);
  });

  it("leaves prices and amounts alone", () => {
    expect(written("It costs $5, or $5.50, or $1000, or $1,000 a tonne; $12.5m raised")).toEqual([]);
  });

  it("reads currency-looking tags too (only known tickers become links)", () => {
    expect(written("priced in $USD")).toEqual(["$USD"]);
  });

  it("ends a cashtag at punctuation, and not inside a word or after another $", () => {
    expect(written("($MP), $LYC. $ILU! $ARU? $VML; $NTU's — a$BAD $$DOUBLE $TOOLONGSYMBOL1")).toEqual(["$MP", "$LYC", "$ILU", "$ARU", "$VML", "$NTU"]);
  });

  it("reads cashtags in emphasis and lists, each spelling once", () => {
    expect(written("**$MP** and _$LYC_\n\n- $MP again\n- $ARU")).toEqual(["$MP", "$LYC", "$ARU"]);
  });

  it("ignores code spans, code blocks, link text and URLs", () => {
    const md = [
      "Inline `$MP` code.",
      "",
      "```",
      "$LYC in a block",
      "```",
      "",
      "    $ILU indented code",
      "",
      "[$ARU in link text](https://example.com/$VML) and https://example.com/$NTU and <https://example.com/$ASM>",
      "",
      "But $KEEP counts.",
    ].join("\n");
    expect(written(md)).toEqual(["$KEEP"]);
  });
});

describe("rendering cashtags", () => {
  const href = (tag: { symbol: string }) => (tag.symbol === "LYC" ? "/tickers/ASX/LYC" : null);

  it("links a known ticker's cashtag in a comment and leaves unknown ones as text", () => {
    const html = renderCommentMarkdown("Long $LYC, not $USD, paid $5.", { cashtagHref: href });
    expect(html).toBe('<p>Long <a class="cashtag" href="/tickers/ASX/LYC" rel="nofollow ugc noopener">$LYC</a>, not $USD, paid $5.</p>');
  });

  it("links nothing inside code", () => {
    expect(renderCommentMarkdown("`$LYC`", { cashtagHref: href })).toBe("<p><code>$LYC</code></p>");
  });

  it("links a known ticker's cashtag in an article, without the new-tab treatment", () => {
    expect(renderArticleMarkdown("Lynas ($LYC) rose.", { cashtagHref: href })).toBe('<p>Lynas (<a class="cashtag" href="/tickers/ASX/LYC">$LYC</a>) rose.</p>');
  });

  it("renders as before without a resolver", () => {
    expect(renderCommentMarkdown("Long $LYC")).toBe("<p>Long $LYC</p>");
  });
});
