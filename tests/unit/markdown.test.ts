import { Parser } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { htmlToText, markdownToText, renderArticleMarkdown, renderCommentMarkdown, sanitizedHtmlToText } from "~/lib/markdown.server";

// Payloads from the usual XSS cheat sheets: raw tags, event handlers, dangerous
// URL schemes (plain, encoded, mixed case), and Markdown's own link and image forms.
const XSS_PAYLOADS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "<svg onload=alert(1)>",
  "<svg><script>alert(1)</script></svg>",
  '<a href="javascript:alert(1)">click</a>',
  '<a href="JaVaScRiPt:alert(1)">click</a>',
  '<a href="jav&#x09;ascript:alert(1)">click</a>',
  '<a href="&#106;avascript:alert(1)">click</a>',
  "[click](javascript:alert(1))",
  "[click](JAVASCRIPT:alert(1))",
  "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "[click](vbscript:msgbox(1))",
  "![x](javascript:alert(1))",
  '![x](x" onerror="alert(1))',
  '<iframe src="https://evil.example"></iframe>',
  '<object data="x.swf"></object>',
  '<embed src="x.swf">',
  '<form action="https://evil.example"><input name=x></form>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<p onclick="alert(1)">hi</p>',
  '<body onload="alert(1)">',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<link rel="stylesheet" href="javascript:alert(1)">',
  "<details open ontoggle=alert(1)>",
  '"><script>alert(1)</script>',
  "<scr<script>ipt>alert(1)</script>",
  "<a href=\"https://ok.example\" onmouseover=\"alert(1)\">ok</a>",
  "`<script>alert(1)</script>`",
  "<base href=\"javascript:/\">",
];

/** Parse the HTML for real and check every element and attribute it would create. */
function assertInert(html: string, allowedTags: string[]) {
  const problems: string[] = [];
  const parser = new Parser({
    onopentag(name, attributes) {
      if (!allowedTags.includes(name)) problems.push(`tag <${name}>`);
      for (const [attribute, value] of Object.entries(attributes)) {
        if (/^on/i.test(attribute)) problems.push(`handler ${attribute}`);
        if (attribute === "style") problems.push("style attribute");
        // Only http(s) and mailto may name a scheme; the browser strips tabs and newlines first.
        const url = value.replace(/[\s\u0000-\u001f]/g, "");
        if ((attribute === "href" || attribute === "src") && /^[a-z][a-z0-9+.-]*:/i.test(url) && !/^(https?|mailto):/i.test(url)) {
          problems.push(`${attribute}=${value}`);
        }
      }
    },
  });
  parser.write(html);
  parser.end();
  expect(problems).toEqual([]);
}

const COMMENT_TAGS = ["p", "br", "strong", "b", "em", "i", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a"];
const ARTICLE_TAGS = [...COMMENT_TAGS, "h2", "h3", "h4", "hr", "span", "figure", "figcaption", "img", "table", "thead", "tbody", "tr", "th", "td"];

describe("comment Markdown", () => {
  it("renders the usual Markdown", () => {
    const html = renderCommentMarkdown("**bold** and *italic*\n\n- one\n- two\n\n> quoted");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<em>italic</em>");
    expect(html).toContain("<li>one</li>");
    expect(html).toContain("<blockquote>");
  });

  it("marks every link as user content that passes no ranking", () => {
    const html = renderCommentMarkdown("See [the report](https://example.com/report) and <https://example.org>.");
    expect(html).toContain('<a href="https://example.com/report" rel="nofollow ugc noopener">the report</a>');
    expect(html).toContain('<a href="https://example.org" rel="nofollow ugc noopener">');
  });

  it("does not let a commenter choose rel or target", () => {
    const html = renderCommentMarkdown('<a href="https://example.com" rel="follow" target="_top">x</a>');
    expect(html).toBe('<p><a href="https://example.com" rel="nofollow ugc noopener">x</a></p>');
  });

  it("turns headings into paragraphs", () => {
    expect(renderCommentMarkdown("# Shouting")).toBe("<p>Shouting</p>");
  });

  it.each(XSS_PAYLOADS)("neutralises %s", (payload) => {
    assertInert(renderCommentMarkdown(payload), COMMENT_TAGS);
    assertInert(renderCommentMarkdown(`Text before\n\n${payload}\n\nText after`), COMMENT_TAGS);
  });
});

describe("article Markdown", () => {
  it("opens links to other sites in a new tab and says so", () => {
    const html = renderArticleMarkdown("Read [the source](https://news.example.com/a).");
    expect(html).toContain(
      '<a href="https://news.example.com/a" target="_blank" rel="noopener noreferrer nofollow">the source<span class="visually-hidden"> (opens in a new tab)</span></a>',
    );
  });

  it("keeps links within the site in the same tab", () => {
    const html = renderArticleMarkdown("See [our category](/categories/china).");
    expect(html).toContain('<a href="/categories/china">our category</a>');
  });

  it("keeps numbered lists and subheadings", () => {
    const html = renderArticleMarkdown("## What next\n\n1. One\n2. Two");
    expect(html).toContain("<h2>What next</h2>");
    expect(html).toContain("<ol>");
  });

  it.each(XSS_PAYLOADS)("neutralises %s", (payload) => {
    assertInert(renderArticleMarkdown(payload), ARTICLE_TAGS);
  });

  it("makes plain text for excerpts", () => {
    expect(markdownToText("**Bold** & [a link](https://x.example)\n\n- item")).toBe("Bold & a link item");
  });
});

describe("plain text of a stored comment body", () => {
  const BODIES = [
    ...XSS_PAYLOADS,
    "Plain words.",
    "**Bold**, _em_, ~~gone~~ and `a < b && c > d` in code",
    "```\nif (a < b) { return \"x\" > 'y'; }\n```",
    "> quoted\n>\n> twice\n\nThen a list:\n\n- one\n- two & three\n\n1. first\n2. second",
    'A [link "with" quotes](https://example.com/?a=1&b=<2> "Title > here") and <https://example.com/x?y=1&z=2>',
    "Fish & chips, 5 < 6 > 4, \"quoted\" and 'single', &copy; &nbsp; &#169; &#x263A;",
    "Line one\nline two\n\n\n   spaced    out   ",
    "<p>raw <b>html</b> <span title='a>b'>kept text</span></p>",
    "$LYC to the moon; tags <3 and >_<",
    "tab\there,\u00a0no-break\u2003em space \r\n crlf \t \n mixed",
    "    indented code\n\twith a tab",
  ];
  it.each(BODIES)("reads %s as sanitize-html does", (markdown) => {
    const html = renderCommentMarkdown(markdown);
    expect(sanitizedHtmlToText(html)).toBe(htmlToText(html));
  });
  it("reads each entity once", () => {
    expect(sanitizedHtmlToText(renderCommentMarkdown("Write &amp;lt; for <"))).toBe("Write &lt; for <");
  });
});
