// The thread's HTML is written as strings (app/components/CommentThread.ts): every
// value but the stored, sanitized comment body must come out escaped, and the
// markup must keep what readers and the page's tests rely on.
import { Parser } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { collapseIgnored, disclosuresHtml, escapeHtml, labelsHtml, renderCommentThread, type ThreadNodeView } from "~/components/CommentThread";
import { MemberLabels } from "~/components/MemberLabels";
import type { CommentLabel } from "~/lib/member-labels";
import { Disclosures } from "~/components/Disclosures";
import { IgnoredCollapse } from "~/components/IgnoredCollapse";

const render = (thread: ThreadNodeView[], articlePath: string, ignoredUserIds: number[] = []) =>
  collapseIgnored(renderCommentThread(thread, { articlePath }), ignoredUserIds);

const EVIL = `<script>alert("x")</script><img src=x onerror=alert(1)> & 'q'`;

const node = (id: number, extra: Partial<ThreadNodeView> = {}): ThreadNodeView => ({
  id,
  authorName: `Author ${id}`,
  authorUrl: "",
  bodyHtml: `<p>Body ${id}</p>`,
  createdAt: "2026-12-02T14:05:09.000Z",
  status: "approved",
  userId: null,
  depth: 1,
  inReplyTo: null,
  replies: [],
  ...extra,
});

/** Elements and attributes as a browser's parser reads them. */
function parse(html: string) {
  const elements: { name: string; attributes: Record<string, string> }[] = [];
  let text = "";
  const parser = new Parser({
    onopentag: (name, attributes) => elements.push({ name, attributes }),
    ontext: (t) => (text += t),
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return { elements, text };
}

describe("the thread's HTML", () => {
  it("escapes as React does", () => {
    expect(escapeHtml(`a&b<c>d"e'f`)).toBe("a&amp;b&lt;c&gt;d&quot;e&#x27;f");
    expect(escapeHtml(42)).toBe("42");
  });

  it("lets no name, link, path or ticker open a tag or leave its attribute", () => {
    const thread = [
      node(1, {
        authorName: EVIL,
        authorUrl: `https://example.com/"><script>alert(1)</script>`,
        moreReplies: true,
        sentiment: "bullish",
        disclosures: [{ symbol: `X"><b>`, exchange: "A<S>X", position: "long", connected: true }],
        replies: [node(2, { depth: 2, authorName: EVIL, inReplyTo: { id: 1, authorName: EVIL } })],
      }),
    ];
    const html = render(thread, `/embed?url=x&q="><script>`);
    const { elements, text } = parse(html);
    expect(elements.map((e) => e.name)).not.toContain("script");
    expect(elements.map((e) => e.name)).not.toContain("img");
    expect(elements.map((e) => e.name)).not.toContain("b");
    expect(text).toContain(EVIL);
    const author = elements.find((e) => e.attributes.class === "comment__author")!;
    expect(author.attributes.href).toBe(`https://example.com/"><script>alert(1)</script>`);
    const reply = elements.find((e) => e.attributes["aria-label"]?.startsWith("Reply to"))!;
    expect(reply.attributes["aria-label"]).toBe(`Reply to ${EVIL}`);
    expect(reply.attributes.href).toBe(`/embed?url=x&q="><script>&replytocom=1#respond`);
    expect(elements.find((e) => e.attributes.href?.startsWith("/tickers/"))!.attributes.href).toBe("/tickers/A%3CS%3EX/X%22%3E%3Cb%3E");
  });

  it("marks held, hidden and ignored comments, and links members and conversations", () => {
    const thread = [
      node(1, { hidden: true, moreReplies: true, replies: [node(2, { depth: 2, status: "pending" }), node(3, { depth: 2, userId: 7 })] }),
      node(4, { userId: 9, moreReplies: true }),
    ];
    const html = render(thread, "/articles/a", [7]);
    expect(html).toContain(`<li id="comment-1" class="comment comment--depth-1 comment--hidden">`);
    expect(html).toContain("This comment is hidden pending review by the moderators.");
    expect(html).not.toContain("Body 1");
    expect(html).toContain(`<a href="/articles/a?thread=1#comment-1">More replies</a>`);
    expect(html).toContain(`<a href="/articles/a?thread=4#comment-4">More replies to Author 4</a>`);
    expect(html).toContain(`<li id="comment-2" class="comment comment--depth-2 comment--held">`);
    expect(html).toContain("Your comment is awaiting moderation.");
    expect(html).not.toContain("replytocom=2");
    expect(html).toContain(`<li id="comment-3" class="comment comment--depth-2 comment--ignored"><details class="comment__ignored"><summary>1 comment from a member you ignore</summary>`);
    expect(html).toContain(`<a class="comment__author" href="/users/9">Author 4</a>`);
    expect(html).toContain(`<time dateTime="2026-12-02T14:05:09.000Z">December 2, 2026 at 14:05 UTC</time>`);
    expect(html).toContain(`<div class="comment__content"><p>Body 4</p></div>`);
  });

  it("writes disclosures and sentiment beside the comment", () => {
    const html = render(
      [
        node(1, {
          sentiment: "bearish",
          disclosures: [
            { symbol: "MP", exchange: "NYSE", position: "short", connected: true },
            { symbol: "LYC", exchange: "ASX", position: "none", connected: false },
          ],
        }),
      ],
      "/articles/a",
    );
    expect(parse(html).text).toContain("BearishPaid or connected: $MPDiscloses: short $MP; no position in $LYC");
  });

  it("renders once for every reader: each sees only the members they ignore collapsed", () => {
    const thread = [
      node(1, { userId: 7, replies: [node(2, { depth: 2, userId: 9 }), node(3, { depth: 2 })] }),
      node(4, { userId: 9, status: "pending" }),
      node(5, { userId: 11 }),
    ];
    const shared = renderCommentThread(thread, { articlePath: "/articles/a" });
    const before = shared.html;
    const collapsed = (html: string) => [...html.matchAll(/<li id="comment-(\d+)" class="[^"]*comment--ignored"><details class="comment__ignored">/g)].map((m) => Number(m[1]));
    expect(collapsed(collapseIgnored(shared, []))).toEqual([]);
    expect(collapseIgnored(shared, [])).toBe(before);
    expect(collapsed(collapseIgnored(shared, [7]))).toEqual([1]);
    expect(collapsed(collapseIgnored(shared, [9]))).toEqual([2, 4]);
    expect(collapsed(collapseIgnored(shared, [7, 9, 11, 12]))).toEqual([1, 2, 4, 5]);
    expect(collapsed(collapseIgnored(shared, [12]))).toEqual([]);
    // Every collapse is closed where its comment ends, before the replies (which stay in place).
    const both = collapseIgnored(shared, [7, 9]);
    expect(both.match(/<details/g)).toHaveLength(3);
    expect(both.match(/<\/details>/g)).toHaveLength(3);
    expect(both).toContain(`</article></details><ol class="comment-list comment-list--children"><li id="comment-2"`);
    // The shared rendering is never changed by a reader's view of it.
    expect(shared.html).toBe(before);
    // Without the marks put in, the collapsed page is exactly the shared one.
    expect(both.replace(/ comment--ignored|<details class="comment__ignored"><summary>1 comment from a member you ignore<\/summary>|<\/details>/g, "")).toBe(before);
  });
});

describe("the thread's strings and the React pieces other pages use", () => {
  it("write disclosures as the moderation queue's Disclosures does", () => {
    const cases: Pick<ThreadNodeView, "sentiment" | "disclosures">[] = [
      { sentiment: null, disclosures: [] },
      { sentiment: "bullish", disclosures: [] },
      {
        sentiment: "bearish",
        disclosures: [
          { symbol: "MP", exchange: "NYSE", position: "long", connected: true },
          { symbol: "600111", exchange: "SSE", position: "undisclosed", connected: true },
          { symbol: `X"<&>`, exchange: "A S/X", position: "none", connected: false },
        ],
      },
    ];
    for (const node of cases) expect(disclosuresHtml(node)).toBe(renderToStaticMarkup(createElement(Disclosures, { node })));
  });

  it("collapse an ignored member's comment as IgnoredCollapse does", () => {
    const html = render([node(1, { userId: 7 })], "/articles/a", [7]);
    const body = html.slice(html.indexOf("<article"), html.indexOf("</article>") + "</article>".length);
    const collapsed = renderToStaticMarkup(createElement(IgnoredCollapse, { ignored: true, children: createElement("x-body") }));
    expect(html).toContain(collapsed.replace("<x-body></x-body>", body));
  });

  it("write verified labels as MemberLabels does, and put them beside the name", () => {
    const rep = (mentioned: boolean): CommentLabel => ({
      kind: "company-representative",
      symbol: "LYC",
      exchange: "ASX",
      companyName: "Lynas <Rare> Earths",
      role: "Investor \"Relations\"",
      mentioned,
    });
    const cases: CommentLabel[][] = [[], [{ kind: "author" }], [{ kind: "author" }, { kind: "staff" }], [rep(true)], [rep(false), { kind: "staff" }]];
    for (const labels of cases) expect(labelsHtml(labels)).toBe(renderToStaticMarkup(createElement(MemberLabels, { labels })));
    const html = render([node(1, { userId: 7, labels: [rep(true)] })], "/articles/a", []);
    expect(html).toContain("Company representative — Lynas &lt;Rare&gt; Earths, Investor &quot;Relations&quot;");
    expect(html.indexOf("member-labels")).toBeGreaterThan(html.indexOf("comment__author"));
    expect(html.indexOf("member-labels")).toBeLessThan(html.indexOf("comment__permalink"));
  });
});
