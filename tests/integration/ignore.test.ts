// Ignoring a member: their comments collapse for the one who ignores them alone
// (a personal view, never the shared one), their replies stop notifying, and
// /account lists whom one ignores and un-ignores.
import { describe, expect, it } from "vitest";
import { startSession } from "~/composition/session.server";
import { createUser } from "~/models/users.server";
import { ignoreMember, listIgnoredMembers, unignoreMember } from "~/models/ignores.server";
import { approveComment } from "~/models/moderation.server";
import { fanOutApprovedComment } from "~/models/mail-fanout.server";
import { countUnreadNotifications, listNotifications } from "~/models/notifications.server";
import { loader as articleLoader } from "~/routes/articles.$slug";
import * as account from "~/routes/account";
import * as profile from "~/routes/users.$id";
import * as notificationsRoute from "~/routes/notifications";
import { loader as tickerLoader } from "~/routes/tickers.$exchange.$symbol";
import { loader as permalinkLoader } from "~/routes/comments.$commentId._index";
import { saveTicker } from "~/models/tickers.server";
import { useTestDatabase } from "../support/db";
import { createArticle, createComment } from "../support/factories";

const t = useTestDatabase();
const context = () => ({ db: t.db, clientIp: "192.0.2.7" });

async function member(name: string) {
  const result = await createUser(t.db, { email: `${name.toLowerCase()}-${Math.random().toString(36).slice(2)}@example.com`, displayName: name, password: "correct horse battery", emailVerified: true });
  if (!result.ok) throw new Error("not created");
  const cookie = (await startSession(t.db, new Request("http://localhost/login", { method: "POST" }), result.userId)).split(";")[0]!;
  return { id: result.userId, name, cookie };
}

async function call(fn: (args: any) => Promise<Response> | Response, request: Request, params: Record<string, string> = {}) {
  try {
    return await fn({ request, params, context: context() });
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}

const post = (path: string, fields: Record<string, string>, cookie: string) =>
  new Request(`http://localhost${path}`, { method: "POST", body: new URLSearchParams(fields), headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" } });

async function threadHtml(slug: string, cookie?: string) {
  const response = await articleLoader({ request: new Request(`http://localhost/articles/${slug}`, { headers: cookie ? { Cookie: cookie } : {} }), params: { slug }, context: context() } as never);
  return ((await response.json()) as { threadHtml: string }).threadHtml;
}

describe("ignoring a member", () => {
  it("keeps a list per member, refuses oneself, and un-ignores", async () => {
    const reader = await member("Reader");
    const tout = await member("Tout");
    expect(await ignoreMember(t.db, { userId: reader.id, ignoredUserId: reader.id })).toEqual({ ok: false, error: "self" });
    expect(await ignoreMember(t.db, { userId: reader.id, ignoredUserId: 999_999 })).toEqual({ ok: false, error: "not-found" });
    expect(await ignoreMember(t.db, { userId: reader.id, ignoredUserId: tout.id })).toEqual({ ok: true });
    expect(await ignoreMember(t.db, { userId: reader.id, ignoredUserId: tout.id })).toEqual({ ok: true });
    expect((await listIgnoredMembers(t.db, reader.id)).map((m) => [m.userId, m.displayName])).toEqual([[tout.id, "Tout"]]);
    expect(await listIgnoredMembers(t.db, tout.id)).toEqual([]);
    expect(await unignoreMember(t.db, { userId: reader.id, ignoredUserId: tout.id })).toEqual({ changed: true });
    expect(await listIgnoredMembers(t.db, reader.id)).toEqual([]);
  });

  it("collapses their comments for that member only, openable, on the article page", async () => {
    const reader = await member("Reader");
    const tout = await member("Tout");
    const other = await member("Other");
    const article = await createArticle(t.db);
    const c = await createComment(t.db, article.id, { userId: tout.id, authorName: "Tout", body: "Buy buy buy" });
    await approveComment(t.db, { commentId: c.commentId });
    await ignoreMember(t.db, { userId: reader.id, ignoredUserId: tout.id });

    const mine = await threadHtml(article.slug, reader.cookie);
    expect(mine).toMatch(/<details class="comment__ignored"><summary>1 comment from a member you ignore<\/summary>.*Buy buy buy.*<\/details>/s);
    for (const html of [await threadHtml(article.slug), await threadHtml(article.slug, other.cookie), await threadHtml(article.slug, tout.cookie)]) {
      expect(html).toContain("Buy buy buy");
      expect(html).not.toContain("member you ignore");
    }
  });

  it("collapses their mentions on a ticker page for that member only (guests' copy untouched)", async () => {
    const reader = await member("Reader");
    const tout = await member("Tout");
    const saved = await saveTicker(t.db, null, { symbol: "LYC", exchange: "ASX", companyName: "Lynas Rare Earths", aliases: "" });
    if (!saved.ok || !("id" in saved)) throw new Error("no ticker");
    const article = await createArticle(t.db);
    const touted = await createComment(t.db, article.id, { userId: tout.id, authorName: "Tout", body: "$LYC to the moon" });
    await approveComment(t.db, { commentId: touted.commentId });
    const plain = await createComment(t.db, article.id, { authorName: "Guest", body: "$LYC results next week" });
    await approveComment(t.db, { commentId: plain.commentId });
    await ignoreMember(t.db, { userId: reader.id, ignoredUserId: tout.id });

    const page = async (cookie?: string) => {
      const response = await call(tickerLoader, new Request("http://localhost/tickers/ASX/LYC", { headers: cookie ? { Cookie: cookie } : {} }), { exchange: "ASX", symbol: "LYC" });
      return { response, data: (await response.json()) as { comments: { id: number; ignored: boolean }[] } };
    };
    const mine = await page(reader.cookie);
    expect(mine.data.comments.map((c) => [c.id, c.ignored])).toEqual([
      [plain.commentId, false],
      [touted.commentId, true],
    ]);
    expect(mine.response.headers.get("X-Assay-Cache")).toBeNull();
    const guest = await page();
    expect(guest.data.comments.map((c) => c.ignored)).toEqual([false, false]);
    expect(guest.response.headers.get("X-Assay-Cache")).toBe("list");
    expect((await page(tout.cookie)).data.comments.map((c) => c.ignored)).toEqual([false, false]);
  });

  it("collapses their comment in a conversation reached by its permalink", async () => {
    const reader = await member("Reader");
    const tout = await member("Tout");
    const article = await createArticle(t.db);
    const root = await createComment(t.db, article.id, { authorName: "Guest", body: "Opening remark" });
    await approveComment(t.db, { commentId: root.commentId });
    const reply = await createComment(t.db, article.id, { userId: tout.id, authorName: "Tout", parentId: root.commentId, body: "Buy buy buy" });
    await approveComment(t.db, { commentId: reply.commentId });
    await ignoreMember(t.db, { userId: reader.id, ignoredUserId: tout.id });

    const redirect = await call(permalinkLoader, new Request(`http://localhost/comments/${reply.commentId}`, { headers: { Cookie: reader.cookie } }), { commentId: String(reply.commentId) });
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get("Location")!, "http://localhost");
    expect(location.pathname).toBe(`/articles/${article.slug}`);
    // Where the permalink leads, and the conversation view of its thread (?thread=).
    for (const address of [`${location.pathname}${location.search}`, `${location.pathname}?thread=${root.commentId}`]) {
      const html = async (cookie?: string) => {
        const response = await articleLoader({ request: new Request(`http://localhost${address}`, { headers: cookie ? { Cookie: cookie } : {} }), params: { slug: article.slug }, context: context() } as never);
        return ((await response.json()) as { threadHtml: string }).threadHtml;
      };
      const mine = await html(reader.cookie);
      expect(mine).toContain("Opening remark");
      expect(mine).toMatch(new RegExp(`id="comment-${reply.commentId}"[^>]*comment--ignored[^>]*><details class="comment__ignored"><summary>1 comment from a member you ignore</summary>.*Buy buy buy`, "s"));
      const theirs = await html();
      expect(theirs).toContain("Buy buy buy");
      expect(theirs).not.toContain("member you ignore");
    }
  });

  it("does not notify of a reply from an ignored member, and collapses an earlier one, read", async () => {
    const reader = await member("Reader");
    const tout = await member("Tout");
    const article = await createArticle(t.db);
    const mine = await createComment(t.db, article.id, { userId: reader.id, notifyReplies: true });
    await approveComment(t.db, { commentId: mine.commentId });
    const first = await createComment(t.db, article.id, { userId: tout.id, parentId: mine.commentId, body: "First reply" });
    await t.db.updateTable("comments").set({ status: "approved" }).where("id", "=", first.commentId).execute();
    expect(await fanOutApprovedComment(t.db, first.commentId)).toMatchObject({ notifications: 1 });
    expect((await listNotifications(t.db, { userId: reader.id })).notifications).toHaveLength(1);

    expect((await listNotifications(t.db, { userId: reader.id })).notifications[0]).toMatchObject({ fromIgnored: false, read: false });
    expect(await countUnreadNotifications(t.db, reader.id)).toBe(1);

    await ignoreMember(t.db, { userId: reader.id, ignoredUserId: tout.id });
    const listed = (await listNotifications(t.db, { userId: reader.id })).notifications;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ fromIgnored: true, read: true, reply: { excerpt: "First reply" } });
    expect(await countUnreadNotifications(t.db, reader.id)).toBe(0);
    const page = await call(notificationsRoute.loader, new Request("http://localhost/notifications", { headers: { Cookie: reader.cookie } }));
    expect((await page.json()).notifications[0]).toMatchObject({ fromIgnored: true });
    const second = await createComment(t.db, article.id, { userId: tout.id, parentId: mine.commentId, body: "Second reply" });
    await t.db.updateTable("comments").set({ status: "approved" }).where("id", "=", second.commentId).execute();
    expect(await fanOutApprovedComment(t.db, second.commentId)).toEqual({ notifications: 0, deliveries: 0 });
  });

  it("is set on the member's page and listed and undone on /account, never for a guest", async () => {
    const reader = await member("Reader");
    const tout = await member("Tout");
    const guest = await call(profile.action, new Request(`http://localhost/users/${tout.id}`, { method: "POST", body: new URLSearchParams({ intent: "ignore" }) }), { id: String(tout.id) });
    expect(guest.status).toBe(303);
    expect(guest.headers.get("Location")).toMatch(/^\/login/);
    const self = await call(profile.action, post(`/users/${reader.id}`, { intent: "ignore" }, reader.cookie), { id: String(reader.id) });
    expect(self.status).toBe(400);
    expect(await self.json()).toEqual({ formError: "You cannot ignore yourself." });

    const done = await call(profile.action, post(`/users/${tout.id}`, { intent: "ignore" }, reader.cookie), { id: String(tout.id) });
    expect(done.status).toBe(303);
    const page = await call(profile.loader, new Request(`http://localhost/users/${tout.id}`, { headers: { Cookie: reader.cookie } }), { id: String(tout.id) });
    expect((await page.json()).ignore).toEqual({ ignoring: true });
    expect(page.headers.get("Cache-Control")).toBe("private, no-store");
    const asGuest = await call(profile.loader, new Request(`http://localhost/users/${tout.id}`), { id: String(tout.id) });
    expect((await asGuest.json()).ignore).toBeNull();

    const accountPage = await call(account.loader, new Request("http://localhost/account", { headers: { Cookie: reader.cookie } }));
    expect((await accountPage.json()).ignored).toMatchObject([{ userId: tout.id, displayName: "Tout" }]);
    const undone = await call(account.action, post("/account", { intent: "unignore", member: String(tout.id) }, reader.cookie));
    expect(undone.status).toBe(303);
    expect(await listIgnoredMembers(t.db, reader.id)).toEqual([]);
  });
});
