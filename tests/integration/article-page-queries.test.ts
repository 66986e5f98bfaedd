// The article page runs a fixed, small number of SQL statements, whatever the
// size of its thread: no query per comment (N+1), no query per conversation.
// Counted with the same Kysely plugin the server uses for ASSAY_QUERY_COUNT=1.
import { describe, expect, it } from "vitest";
import { loader } from "~/routes/articles.$slug";
import { QueryCountPlugin, withQueryTally } from "~/lib/query-count.server";
import { startSession } from "~/composition/session.server";
import { createUser } from "~/models/users.server";
import { parseThreadCursor, ROOTS_PER_PAGE } from "~/models/threads.server";
import { useTestDatabase } from "../support/db";
import { createArticle } from "../support/factories";

const t = useTestDatabase();

/** An article with `roots` approved top-level comments, each with `replies` nested replies (chains and branches). */
async function articleWithThread(roots: number, replies: number) {
  const article = await createArticle(t.db);
  let n = 0;
  for (let r = 0; r < roots; r++) {
    const [root] = await t.db
      .insertInto("comments")
      .values({ article_id: article.id, status: "approved", author_name: `R${r}`, author_email: `r${r}@example.com`, body_markdown: "x", body_html: "<p>x</p>", created_at: new Date(Date.UTC(2025, 0, 1, 0, 0, n++)) })
      .returning("id")
      .execute();
    const chain = [root!.id];
    for (let i = 0; i < replies; i++) {
      const parent = chain[i % 3 === 0 ? 0 : chain.length - 1]!;
      const [reply] = await t.db
        .insertInto("comments")
        .values({ article_id: article.id, parent_id: parent, status: "approved", author_name: `A${i}`, author_email: `a${i}@example.com`, body_markdown: "y", body_html: "<p>y</p>", created_at: new Date(Date.UTC(2025, 0, 1, 0, 0, n++)) })
        .returning("id")
        .execute();
      chain.push(reply!.id);
    }
  }
  return article;
}

/** Statements the article loader runs for one request (no caches: every request renders). */
async function statements(slug: string, query = "", cookie?: string): Promise<{ count: number; data: any }> {
  const tally = { count: 0 };
  const db = t.db.withPlugin(new QueryCountPlugin());
  const request = new Request(`http://localhost/articles/${slug}${query}`, { headers: cookie ? { Cookie: cookie } : {} });
  const response = await withQueryTally(tally, () => loader({ request, params: { slug }, context: { db, clientIp: "" } }));
  return { count: tally.count, data: await response.json() };
}

describe("statements per article page", () => {
  it("are the same for a thread of 2 comments and one of hundreds, on every page, as guest and as member", async () => {
    const small = await articleWithThread(1, 1);
    const large = await articleWithThread(ROOTS_PER_PAGE + 10, 8);
    const user = await createUser(t.db, { email: "q@example.com", displayName: "Query Member", password: "a long enough password", emailVerified: true });
    if (!user.ok) throw new Error("user");
    const cookie = (await startSession(t.db, new Request("http://localhost/login"), user.userId!)).split(";")[0]!;

    const guestSmall = await statements(small.slug);
    const guestLarge = await statements(large.slug);
    expect(guestLarge.data.pagination.nextCursor).toBeTruthy();
    const cursor = guestLarge.data.pagination.nextCursor as string;
    expect(parseThreadCursor(cursor)).not.toBeNull();
    const guestPage2 = await statements(large.slug, `?after=${encodeURIComponent(cursor)}`);
    const memberSmall = await statements(small.slug, "", cookie);
    const memberLarge = await statements(large.slug, "", cookie);

    expect(guestLarge.count).toBe(guestSmall.count);
    expect(guestPage2.count).toBe(guestSmall.count);
    expect(memberLarge.count).toBe(memberSmall.count);
    // Small: article, its categories, top-level comments, their replies, commenting rules (+ the session for a member).
    expect(guestSmall.count).toBeLessThanOrEqual(6);
    expect(memberSmall.count).toBeLessThanOrEqual(guestSmall.count + 2);
  });

  it("one conversation alone costs the same whatever its length", async () => {
    const article = await articleWithThread(2, 150);
    const roots = await t.db.selectFrom("comments").select("id").where("article_id", "=", article.id).where("parent_id", "is", null).orderBy("id").execute();
    const first = await statements(article.slug, `?thread=${roots[0]!.id}`);
    expect(first.data.pagination.conversationId).toBe(roots[0]!.id);
    expect(first.data.pagination.nextCursor).toBeTruthy();
    const second = await statements(article.slug, `?thread=${roots[0]!.id}&after=${encodeURIComponent(first.data.pagination.nextCursor)}`);
    const shortOne = await articleWithThread(1, 2);
    const shortRoot = await t.db.selectFrom("comments").select("id").where("article_id", "=", shortOne.id).where("parent_id", "is", null).executeTakeFirstOrThrow();
    const short = await statements(shortOne.slug, `?thread=${shortRoot.id}`);
    expect(second.count).toBe(first.count);
    expect(short.count).toBe(first.count);
  });
});
