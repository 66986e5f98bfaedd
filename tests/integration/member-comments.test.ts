// Commenting as a member: the first-time rule by account, the profile link, and
// the "Leave a Reply" action for a signed-in member (called with a real Request).
import { describe, expect, it } from "vitest";
import { getThreadComments, postComment } from "~/models/comments.server";
import { approveComment, HOLD_REASONS } from "~/models/moderation.server";
import { getPublicProfile, createUser } from "~/models/users.server";
import { eraseAccount } from "~/models/accounts.server";
import { startSession } from "~/composition/session.server";
import { action as articleAction, loader as articleLoader } from "~/routes/articles.$slug";
import { loader as profileLoader } from "~/routes/users.$id";
import { useTestDatabase } from "../support/db";
import { commentInput, createArticle } from "../support/factories";

const t = useTestDatabase();

async function member(verified = true, email = `m${Math.random().toString(36).slice(2)}@example.com`) {
  const result = await createUser(t.db, { email, displayName: "Mia Member", password: "a long enough password", emailVerified: verified });
  if (!result.ok) throw new Error("not created");
  const setCookie = await startSession(t.db, new Request("http://localhost/login", { method: "POST" }), result.userId);
  return { id: result.userId, email, cookie: setCookie.split(";")[0]! };
}

function post(slug: string, fields: Record<string, string>, cookie?: string) {
  const body = new URLSearchParams({ comment_parent: "0", ...fields });
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" };
  if (cookie) headers.Cookie = cookie;
  return new Request(`http://localhost/articles/${slug}`, { method: "POST", body, headers });
}

const run = (fn: typeof articleAction, request: Request, slug: string) =>
  fn({ request, params: { slug }, context: { db: t.db, clientIp: "192.0.2.1" } });

describe("the first-time rule for members", () => {
  it("holds a member's comment until one is approved, then publishes the next at once", async () => {
    const m = await member();
    const article = await createArticle(t.db);
    const first = await postComment(t.db, commentInput(article.id, { userId: m.id, authorEmail: m.email, body: "First words" }));
    expect(first).toMatchObject({ ok: true, status: "pending", heldReason: HOLD_REASONS.firstTimeMember });
    const second = await postComment(t.db, commentInput(article.id, { userId: m.id, authorEmail: m.email, body: "Still waiting" }));
    expect(second).toMatchObject({ ok: true, status: "pending" });
    await approveComment(t.db, { commentId: first.ok ? first.commentId : 0 });
    const third = await postComment(t.db, commentInput(article.id, { userId: m.id, authorEmail: m.email, body: "Now trusted" }));
    expect(third).toMatchObject({ ok: true, status: "approved", heldReason: null });
  });

  it("knows a member by account, not by the address on old comments", async () => {
    const m = await member();
    const article = await createArticle(t.db);
    // An approved guest comment with the member's address does not count for the account...
    const guest = await postComment(t.db, commentInput(article.id, { authorEmail: m.email, body: "as a guest" }));
    await approveComment(t.db, { commentId: guest.ok ? guest.commentId : 0 });
    expect(await postComment(t.db, commentInput(article.id, { userId: m.id, authorEmail: m.email, body: "as a member" }))).toMatchObject({
      status: "pending",
    });
  });

  it("does not let a guest ride on a member's approved comments by typing their address", async () => {
    const m = await member();
    const article = await createArticle(t.db);
    const own = await postComment(t.db, commentInput(article.id, { userId: m.id, authorEmail: m.email, body: "mine" }));
    await approveComment(t.db, { commentId: own.ok ? own.commentId : 0 });
    const impostor = await postComment(t.db, commentInput(article.id, { authorEmail: m.email.toUpperCase(), body: "pretending" }));
    expect(impostor).toMatchObject({ ok: true, status: "pending", heldReason: HOLD_REASONS.firstTimeAuthor });
  });
});

describe("the profile page /users/:id", () => {
  it("shows name, join date and approved comments only, never the email", async () => {
    const m = await member();
    const article = await createArticle(t.db, { title: "Profiled article" });
    const approved = await postComment(t.db, commentInput(article.id, { userId: m.id, authorEmail: m.email, body: "Visible words" }));
    await postComment(t.db, commentInput(article.id, { userId: m.id, authorEmail: m.email, body: "Held words" }));
    await approveComment(t.db, { commentId: approved.ok ? approved.commentId : 0 });

    const profile = await getPublicProfile(t.db, m.id);
    expect(profile).toMatchObject({ id: m.id, displayName: "Mia Member", approvedCommentCount: 1 });
    expect(profile!.comments.map((c) => c.articleTitle)).toEqual(["Profiled article"]);

    const response = await profileLoader({ request: new Request(`http://localhost/users/${m.id}`), params: { id: String(m.id) }, context: { db: t.db, clientIp: "" } });
    const text = await response.text();
    expect(text).toContain("Mia Member");
    expect(text).toContain("Visible words");
    expect(text).not.toContain("Held words");
    expect(text.toLowerCase()).not.toContain(m.email.toLowerCase());
    expect(text).not.toContain("@");
  });

  it("is a 404 for an unknown, malformed or deleted member", async () => {
    const m = await member();
    await eraseAccount(t.db, m.id);
    for (const id of [String(m.id), "999999", "abc", "1e3", "01"]) {
      const thrown = await profileLoader({ request: new Request(`http://localhost/users/${id}`), params: { id }, context: { db: t.db, clientIp: "" } }).catch(
        (r: unknown) => r,
      );
      expect(thrown).toBeInstanceOf(Response);
      expect((thrown as Response).status).toBe(404);
    }
  });
});

describe("Leave a Reply for a signed-in member", () => {
  it("signs the comment with the account (not form fields), links it to the profile, holds the first one", async () => {
    const m = await member();
    const article = await createArticle(t.db);
    const response = await run(articleAction, post(article.slug, { comment: "From my account", author: "Forged Name", email: "forged@example.com", url: "https://spam.example.com" }, m.cookie), article.slug);
    expect(response.status).toBe(303);
    const row = await t.db.selectFrom("comments").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: m.id, author_name: "Mia Member", author_email: m.email, author_url: "", status: "pending" });
    await approveComment(t.db, { commentId: row.id });
    const thread = await getThreadComments(t.db, article.id);
    expect(thread[0]).toMatchObject({ userId: m.id, authorName: "Mia Member" });
  });

  it("asks only for the comment: an empty one gets its message, 400, and nothing about name or email", async () => {
    const m = await member();
    const article = await createArticle(t.db);
    const response = await run(articleAction, post(article.slug, { comment: "   " }, m.cookie), article.slug);
    expect(response.status).toBe(400);
    const data = await response.json();
    expect(data.errors).toEqual({ comment: "Please type your comment." });
  });

  it("refuses a member whose address is not confirmed yet (403), keeping the text", async () => {
    const m = await member(false);
    const article = await createArticle(t.db);
    const response = await run(articleAction, post(article.slug, { comment: "Too early" }, m.cookie), article.slug);
    expect(response.status).toBe(403);
    expect((await response.json()).values.comment).toBe("Too early");
    expect(await t.db.selectFrom("comments").select("id").execute()).toHaveLength(0);
  });

  it("tells the page who is commenting, without the email", async () => {
    const m = await member();
    const article = await createArticle(t.db);
    const request = new Request(`http://localhost/articles/${article.slug}`, { headers: { Cookie: m.cookie } });
    const response = await articleLoader({ request, params: { slug: article.slug }, context: { db: t.db, clientIp: "" } });
    const text = await response.text();
    expect(JSON.parse(text).member).toEqual({ displayName: "Mia Member", emailVerified: true });
    expect(text).not.toContain(m.email);
    const guest = await articleLoader({ request: new Request(`http://localhost/articles/${article.slug}`), params: { slug: article.slug }, context: { db: t.db, clientIp: "" } });
    expect((await guest.json()).member).toBeNull();
  });
});
