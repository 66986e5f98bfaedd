// The pure parts of the WordPress and Disqus imports: old paths, canonical URL
// variants, WordPress's paragraphs, HTML to Markdown, WordPress dates.
import { describe, expect, it } from "vitest";
import { autop, commentHtmlToMarkdown, postHtmlToMarkdown } from "~/lib/html-markdown.server";
import { canonicalUrlVariants, normalizePermalinkPath } from "~/lib/permalinks";
import { parseWordPressDate } from "~/models/site-import.server";

describe("normalizePermalinkPath", () => {
  it("keeps the path of an address, percent-decoded, without the trailing slash", () => {
    expect(normalizePermalinkPath("https://news.example.com/2024/05/hello-world/")).toBe("/2024/05/hello-world");
    expect(normalizePermalinkPath("/2024/05/hello-world")).toBe("/2024/05/hello-world");
    expect(normalizePermalinkPath("/2024/05/caf%C3%A9/")).toBe("/2024/05/café");
    expect(normalizePermalinkPath("https://news.example.com/2024/05/caf%c3%a9/?utm=x")).toBe("/2024/05/café");
  });

  it("has nothing for the site's root or a plain ?p= link", () => {
    expect(normalizePermalinkPath("https://news.example.com/?p=123")).toBeNull();
    expect(normalizePermalinkPath("/")).toBeNull();
  });
});

describe("canonicalUrlVariants", () => {
  it("gives the address first, then with the other trailing slash and scheme", () => {
    const variants = canonicalUrlVariants("https://news.example.com/a/");
    expect(variants[0]).toBe("https://news.example.com/a/");
    expect(variants).toEqual(expect.arrayContaining(["https://news.example.com/a", "http://news.example.com/a/", "http://news.example.com/a"]));
  });
});

describe("WordPress text", () => {
  it("blank lines are paragraphs and newlines are line breaks, <pre> keeps its lines", () => {
    expect(autop("One\ntwo\n\nThree")).toBe("<p>One<br>\ntwo</p>\n<p>Three</p>");
    expect(autop("<pre>a\n\nb</pre>\n\nText")).toBe("<pre>a\n\nb</pre>\n<p>Text</p>");
    expect(autop("<ul>\n<li>x</li>\n</ul>")).toBe("<ul>\n<li>x</li>\n</ul>");
  });

  it("text that looks like markup stays text", () => {
    expect(commentHtmlToMarkdown("a < b & *c*")).toBe("a \\< b \\& \\*c\\*");
    expect(commentHtmlToMarkdown("<p>x &lt;y&gt; &amp;amp;</p>")).toBe("x \\<y> \\&amp;");
  });

  it("captions keep their picture and words; scripts go", () => {
    const md = postHtmlToMarkdown('[caption id="a" width="300"]<img src="https://x.example/p.jpg" alt="Pit"> The pit[/caption]\n\n<script>bad()</script>');
    expect(md).toContain("![Pit](https://x.example/p.jpg)");
    expect(md).toContain("The pit");
    expect(md).not.toMatch(/caption|bad/);
  });

  it("dates are UTC, and all zeros is no date", () => {
    expect(parseWordPressDate("2024-05-01 08:30:00")?.toISOString()).toBe("2024-05-01T08:30:00.000Z");
    expect(parseWordPressDate("0000-00-00 00:00:00")).toBeNull();
    expect(parseWordPressDate("")).toBeNull();
  });
});
