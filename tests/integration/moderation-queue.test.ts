// The queue's tabs, what each item shows, and keyset pagination at scale:
// 100,000 pending comments, oldest first, every one exactly once.
import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { approveComment, moderateComments } from "~/models/moderation.server";
import { approvedCountsQuery, listQueue, parseQueueCursor, queueCounts, queuePageQuery } from "~/models/moderation-queue.server";
import { saveModerationSettings, DEFAULT_MODERATION_SETTINGS } from "~/models/moderation-settings.server";
import { useTestDatabase } from "../support/db";
import { createArticle, createComment } from "../support/factories";
import { createPerson } from "../support/people";

const t = useTestDatabase();

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

describe("the tabs", () => {
  it("puts each comment in its tab, with counts", async () => {
    const article = await createArticle(t.db);
    const moderator = await createPerson(t.db, "moderator");
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push((await createComment(t.db, article.id)).commentId);
    await approveComment(t.db, { commentId: ids[0]! });
    await moderateComments(t.db, { commentIds: [ids[1]!, ids[2]!], action: "spam", moderatorId: moderator.id });
    await moderateComments(t.db, { commentIds: [ids[3]!], action: "trash", moderatorId: moderator.id });
    expect(await queueCounts(t.db)).toEqual({ pending: 2, reported: 0, spam: 2, trash: 1 });
    expect((await listQueue(t.db, { tab: "pending" })).items.map((i) => i.id)).toEqual([ids[4], ids[5]]);
    expect((await listQueue(t.db, { tab: "spam" })).items.map((i) => i.id)).toEqual([ids[1], ids[2]]);
    expect((await listQueue(t.db, { tab: "trash" })).items.map((i) => i.id)).toEqual([ids[3]]);
  });

  it("shows each item as it will look, its article, the author (with email), guest or member, approvals before, and the rule", async () => {
    const article = await createArticle(t.db, { title: "Lynas expands" });
    const member = await createPerson(t.db, "member", "Member Mo");
    const earlier = await createComment(t.db, article.id, { authorEmail: "gina@example.com" });
    await approveComment(t.db, { commentId: earlier.commentId });
    await approveComment(t.db, { commentId: (await createComment(t.db, article.id, { authorEmail: "GINA@example.com", body: "again" })).commentId });
    await saveModerationSettings(t.db, { settings: { ...DEFAULT_MODERATION_SETTINGS, holdMode: "all" }, moderatorId: null });
    const guest = await createComment(t.db, article.id, {
      authorName: "Gina",
      authorEmail: "gina@example.com",
      authorUrl: "https://gina.example",
      body: "**Bold** claim",
      parentId: earlier.commentId,
    });
    const byMember = await createComment(t.db, article.id, { userId: member.id, authorEmail: member.email, authorName: member.name });
    const { items } = await listQueue(t.db, { tab: "pending" });
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      id: guest.commentId,
      status: "pending",
      article: { id: article.id, slug: article.slug, title: "Lynas expands" },
      parent: { id: earlier.commentId },
      author: { name: "Gina", email: "gina@example.com", url: "https://gina.example", member: null, approvedBefore: 2, guestBlocked: false },
      heldReason: "Every comment is held for review (rule: hold all comments).",
      bodyHtml: "<p><strong>Bold</strong> claim</p>",
      bodyMarkdown: "**Bold** claim",
    });
    expect(items[1]).toMatchObject({
      id: byMember.commentId,
      author: { name: "Member Mo", member: { userId: member.id, role: "member", restricted: null }, approvedBefore: 0 },
    });
  });
});

describe("keyset pagination at scale", () => {
  it("pages through 100,000 pending comments oldest first, none repeated or skipped", async () => {
    const article = await createArticle(t.db);
    // One statement: created_at scattered over ids, with ties (so the id must break them)
    // and microsecond fractions (so a cursor rounded to milliseconds would repeat rows).
    await sql`
      insert into comments (article_id, status, author_name, author_email, body_markdown, body_html, held_reason, created_at)
      select ${article.id}, 'pending', 'Flood ' || g, 'flood' || (g % 500) || '@example.com', 'Body ' || g, '<p>Body ' || g || '</p>',
             'First comment from this author: held until a moderator approves one.',
             timestamptz '2025-01-01 00:00:00Z' + ((g * 7919) % 100000 / 2) * interval '1 microsecond' * 37
      from generate_series(1, 100000) as g
    `.execute(t.db);
    // A few in other tabs, which must not show up.
    await sql`insert into comments (article_id, status, author_name, author_email, body_markdown, body_html)
              select ${article.id}, s, 'Other', 'other@example.com', 'x', '<p>x</p>' from unnest(array['approved', 'spam', 'trash']) as s`.execute(t.db);
    await sql`analyze comments`.execute(t.db);

    expect(await queueCounts(t.db)).toEqual({ pending: 100_000, reported: 0, spam: 1, trash: 1 });

    const expected = (
      await t.db.selectFrom("comments").select("id").where("status", "=", "pending").orderBy("created_at").orderBy("id").execute()
    ).map((r) => r.id);

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listQueue(t.db, { tab: "pending", cursor, limit: 100 });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages++;
      if (cursor) expect(parseQueueCursor(cursor)).not.toBeNull();
    } while (cursor);
    expect(pages).toBe(1000);
    expect(seen).toHaveLength(100_000);
    expect(new Set(seen).size).toBe(100_000);
    expect(seen).toEqual(expected);
  });

  it("reads a page straight from the queue index, with no sort of the whole tab", async () => {
    const article = await createArticle(t.db);
    await sql`
      insert into comments (article_id, status, author_name, author_email, body_markdown, body_html, created_at)
      select ${article.id}, 'pending', 'A', 'a@example.com', 'b', '<p>b</p>', now() - g * interval '1 second'
      from generate_series(1, 100000) as g
    `.execute(t.db);
    await sql`analyze comments`.execute(t.db);
    const first = await listQueue(t.db, { tab: "pending", limit: 25 });
    for (const cursor of [null, first.nextCursor]) {
      const [row] = await queuePageQuery(t.db, { tab: "pending", cursor, limit: 25 }).explain("json");
      const nodes = planNodes((row as Record<string, { Plan: PlanNode }[]>)["QUERY PLAN"]![0]!.Plan);
      expect(nodes.some((n) => n["Index Name"] === "comments_queue_idx")).toBe(true);
      expect(nodes.filter((n) => n["Node Type"] === "Sort" || n["Node Type"] === "Incremental Sort")).toEqual([]);
      expect(nodes.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "comments")).toEqual([]);
    }
  });

  it("counts each author's approved comments from an index, for guests and members alike", async () => {
    const article = await createArticle(t.db);
    const member = await createPerson(t.db);
    // 100,000 approved comments from 1,000 guests and one member: a scan per item would read them all.
    await sql`
      insert into comments (article_id, status, author_name, author_email, body_markdown, body_html, user_id)
      select ${article.id}, 'approved', 'A', 'guest' || (g % 1000) || '@example.com', 'b', '<p>b</p>',
             case when g % 10 = 0 then ${member.id}::int end
      from generate_series(1, 100000) as g
    `.execute(t.db);
    await sql`analyze comments`.execute(t.db);
    const guestHeld = await createComment(t.db, article.id, { authorEmail: "Guest7@example.com" });
    const rows = [
      { id: guestHeld.commentId, user_id: null, author_email: "Guest7@example.com" },
      { id: 0, user_id: member.id, author_email: "" },
    ];
    const { rows: counts } = await approvedCountsQuery(rows).execute(t.db);
    expect(counts.find((r) => r.id === 0)?.approved).toBe(10_000);
    expect(counts.find((r) => r.id === guestHeld.commentId)?.approved).toBe(100); // g % 1000 = 7: 100 rows, none of them the member's

    const { rows: plan } = await sql<{ "QUERY PLAN": { Plan: PlanNode }[] }>`explain (format json) ${approvedCountsQuery(rows)}`.execute(t.db);
    const nodes = planNodes(plan[0]!["QUERY PLAN"][0]!.Plan);
    expect(nodes.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "comments")).toEqual([]);
    expect(nodes.some((n) => n["Index Name"] === "comments_user_idx")).toBe(true);
    // The guests' branch reads whichever index on lower(author_email) the planner prefers.
    expect(nodes.filter((n) => n["Index Name"]?.startsWith("comments_")).length).toBeGreaterThanOrEqual(2);
  });

  it("ignores a malformed cursor (first page)", async () => {
    expect(parseQueueCursor("2025-01-01~1")).toBeNull();
    expect(parseQueueCursor("x'; drop table comments; --")).toBeNull();
    expect(parseQueueCursor("2025-01-01T00:00:00.000001Z~12")).toEqual({ createdAt: "2025-01-01T00:00:00.000001Z", id: 12 });
  });
});
