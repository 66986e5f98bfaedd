// Verified labels: administrators give "Company representative" (a company and
// role) and "Staff" at /admin/labels, and remove them, logged; "Author" follows
// the byline, for an editor, administrator or Staff member only. Labels show beside
// the name wherever comments appear (article page, ticker page, profile, queue), a
// representative's in full only where the comment mentions their company's
// ticker; and giving or removing one drops the guests' cached pages.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findMember, giveLabel, removeLabel } from "~/models/labels.server";
import { getThreadPage } from "~/models/threads.server";
import { listTickerComments } from "~/models/tickers.server";
import { getPublicProfile } from "~/models/users.server";
import { listQueue } from "~/models/moderation-queue.server";
import { labelText } from "~/lib/member-labels";
import { startSession } from "~/composition/session.server";
import { useTestDatabase } from "../support/db";
import { createArticle, createComment } from "../support/factories";
import { createPerson } from "../support/people";
import { request, startAppServer, type AppServer } from "../support/app-server";

const t = useTestDatabase();

async function openSettings() {
  // Ticker mentions from brand-new test accounts would otherwise be held (promotion rules).
  await t.db
    .insertInto("moderation_settings")
    .values({ id: true, hold_mode: "none", ticker_new_account_days: 0, hold_connected: false })
    .onConflict((oc) => oc.column("id").doUpdateSet({ hold_mode: "none", ticker_new_account_days: 0, hold_connected: false }))
    .execute();
}

async function lynas() {
  return t.db.insertInto("tickers").values({ symbol: "LYC", exchange: "ASX", company_name: "Lynas Rare Earths" }).returning("id").executeTakeFirstOrThrow();
}

const give = (adminId: number, member: string, kind: string, tickerId: number | string | null = null, role = "") =>
  giveLabel(t.db, { adminId, member, kind, tickerId, role });

describe("giving and removing labels (the model)", () => {
  beforeEach(openSettings);

  it("is for administrators only, finds the member by name or profile link, says what is wrong per field, and logs each change", async () => {
    const admin = await createPerson(t.db, "admin", "Ada Admin");
    const editor = await createPerson(t.db, "editor");
    const rep = await createPerson(t.db, "member", "Jo Rep");
    const lyc = await lynas();

    expect(await give(editor.id, "Jo Rep", "staff")).toEqual({ ok: false, error: "not-allowed" });
    expect(await removeLabel(t.db, { adminId: editor.id, labelId: 1 })).toEqual({ ok: false, error: "not-allowed" });

    const missing = await give(admin.id, "", "company-representative", "", "x".repeat(101));
    expect(missing.ok).toBe(false);
    if (missing.ok || missing.error !== "invalid") throw new Error("expected field errors");
    expect(missing.errors.member).toMatch(/display name or the link/);
    expect(missing.errors.ticker).toMatch(/company/);
    expect(missing.errors.role).toMatch(/under 100 characters/);
    const badKind = await give(admin.id, "Jo Rep", "oracle");
    expect(badKind).toMatchObject({ ok: false, errors: { kind: "Choose Company representative or Staff." } });
    const noRole = await give(admin.id, "jo rep", "company-representative", lyc.id, "  ");
    expect(noRole).toMatchObject({ ok: false, errors: { role: expect.stringMatching(/Investor Relations/) } });

    // Two members of one name: offered by profile link and join date, never by email.
    const twin = await createPerson(t.db, "member", "Jo Rep");
    const ambiguous = await give(admin.id, "Jo Rep", "staff");
    if (ambiguous.ok || ambiguous.error !== "invalid") throw new Error("expected ambiguity");
    expect(ambiguous.candidates.map((c) => c.id).sort()).toEqual([rep.id, twin.id].sort());
    expect(JSON.stringify(ambiguous)).not.toContain("@example.com");
    expect(await findMember(t.db, `https://forum.example.com/users/${rep.id}`)).toMatchObject({ ok: true, member: { id: rep.id } });
    expect(await findMember(t.db, `/users/${rep.id}`)).toMatchObject({ ok: true, member: { id: rep.id } });
    expect(await findMember(t.db, "/users/99999999")).toEqual({ ok: false, error: "not-found" });

    const given = await give(admin.id, `/users/${rep.id}`, "company-representative", String(lyc.id), " Investor Relations ");
    if (!given.ok) throw new Error(JSON.stringify(given));
    expect(given.label.text).toBe("Company representative — Lynas Rare Earths, Investor Relations");
    // Again: the same label, its role text changed.
    const again = await give(admin.id, `/users/${rep.id}`, "company-representative", lyc.id, "Head of Investor Relations");
    expect(again.ok && again.label.id).toBe(given.label.id);
    expect(await t.db.selectFrom("member_labels").select(["kind", "role", "granted_by"]).execute()).toEqual([
      { kind: "company-representative", role: "Head of Investor Relations", granted_by: admin.id },
    ]);

    expect(await removeLabel(t.db, { adminId: admin.id, labelId: given.label.id })).toMatchObject({ ok: true });
    expect(await removeLabel(t.db, { adminId: admin.id, labelId: given.label.id })).toEqual({ ok: false, error: "not-found" });
    expect(await t.db.selectFrom("member_labels").select("id").execute()).toEqual([]);

    const log = await t.db.selectFrom("moderation_log").select(["action", "moderator_id", "target_user_id", "reason"]).orderBy("id").execute();
    expect(log).toEqual([
      { action: "give-label", moderator_id: admin.id, target_user_id: rep.id, reason: "Company representative — Lynas Rare Earths, Investor Relations" },
      { action: "give-label", moderator_id: admin.id, target_user_id: rep.id, reason: "Company representative — Lynas Rare Earths, Head of Investor Relations" },
      { action: "remove-label", moderator_id: admin.id, target_user_id: rep.id, reason: "Company representative — Lynas Rare Earths, Head of Investor Relations" },
    ]);
  });
});

describe("labels beside the name", () => {
  beforeEach(openSettings);

  it("read Author by byline (staff only), Staff, and a representative in full only where the comment mentions the company, on every page of comments", async () => {
    const admin = await createPerson(t.db, "admin");
    const lyc = await lynas();
    // The factory's byline is "Test desk".
    const article = await createArticle(t.db);
    const editorAuthor = await createPerson(t.db, "editor", "Test desk");
    const impostor = await createPerson(t.db, "member", "test desk");
    const staff = await createPerson(t.db, "member", "Sam Staff");
    const rep = await createPerson(t.db, "member", "Rae Rep");
    expect((await give(admin.id, `/users/${staff.id}`, "staff")).ok).toBe(true);
    expect((await give(admin.id, `/users/${rep.id}`, "company-representative", lyc.id, "Investor Relations")).ok).toBe(true);

    const post = (who: { id: number; name: string; email: string }, body: string) =>
      createComment(t.db, article.id, { userId: who.id, authorName: who.name, authorEmail: who.email, body });
    const byAuthor = await post(editorAuthor, "Author here: thanks for reading.");
    const byImpostor = await post(impostor, "I am the desk, honestly.");
    const byStaff = await post(staff, "A correction is on its way.");
    const onLynas = await post(rep, "The $LYC quarterly is out on Monday.");
    const elsewhere = await post(rep, "Nothing to add on this one.");
    const guest = await createComment(t.db, article.id, { body: "A guest, no labels." });

    const page = await getThreadPage(t.db, article.id);
    const texts = new Map(page.thread.map((n) => [n.id, (n.labels ?? []).map(labelText)]));
    expect(texts.get(byAuthor.commentId)).toEqual(["Author"]);
    // A member who merely calls themselves after the byline is no Author.
    expect(texts.get(byImpostor.commentId)).toEqual([]);
    expect(texts.get(byStaff.commentId)).toEqual(["Staff"]);
    expect(texts.get(onLynas.commentId)).toEqual(["Company representative — Lynas Rare Earths, Investor Relations"]);
    expect(texts.get(elsewhere.commentId)).toEqual(["Company representative ($LYC)"]);
    expect(texts.get(guest.commentId)).toEqual([]);

    // A Staff member whose name is the byline is its Author too.
    await t.db.updateTable("articles").set({ byline: "Sam Staff" }).where("id", "=", article.id).execute();
    const renamed = await getThreadPage(t.db, article.id);
    expect(renamed.thread.find((n) => n.id === byStaff.commentId)!.labels!.map(labelText)).toEqual(["Author", "Staff"]);
    expect(renamed.thread.find((n) => n.id === byAuthor.commentId)!.labels ?? []).toEqual([]);

    // The ticker page: in full.
    const mentions = await listTickerComments(t.db, lyc.id);
    expect(mentions.comments.map((c) => [c.id, c.userId, c.labels.map(labelText)])).toEqual([
      [onLynas.commentId, rep.id, ["Company representative — Lynas Rare Earths, Investor Relations"]],
    ]);
    // The member's page: their labels in full, each comment as it reads in its thread.
    const profile = await getPublicProfile(t.db, rep.id);
    expect(profile!.labels.map((l) => l.text)).toEqual(["Company representative — Lynas Rare Earths, Investor Relations"]);
    expect(profile!.comments.map((c) => [c.id, c.labels.map(labelText)])).toEqual([
      [elsewhere.commentId, ["Company representative ($LYC)"]],
      [onLynas.commentId, ["Company representative — Lynas Rare Earths, Investor Relations"]],
    ]);
    // The moderation queue: held comments carry them too.
    await t.db.updateTable("comments").set({ status: "pending" }).where("id", "in", [onLynas.commentId, byStaff.commentId]).execute();
    const queue = await listQueue(t.db, { tab: "pending" });
    expect(queue.items.map((i) => [i.id, i.author.labels.map(labelText)])).toEqual([
      [byStaff.commentId, ["Author", "Staff"]],
      [onLynas.commentId, ["Company representative — Lynas Rare Earths, Investor Relations"]],
    ]);
  });
});

describe("over HTTP", () => {
  let app: AppServer;
  beforeAll(async () => {
    app = await startAppServer(t.url, { ASSAY_WORKER: "off" });
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });
  beforeEach(openSettings);

  const cookieFor = async (userId: number) => (await startSession(t.db, new Request("http://localhost/login"), userId)).split(";")[0]!;
  const post = (path: string, cookie: string, fields: Record<string, string>) =>
    request(app.base, {
      method: "POST",
      path,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: app.base, Cookie: cookie },
      body: new URLSearchParams(fields).toString(),
    });

  /** Wait (bounded) for what PostgreSQL's NOTIFY makes happen, right after a commit. */
  async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`never happened: ${what}`);
  }

  it("/admin/labels: per-field 400s that keep what was typed, 403 for an editor; a guest's cached pages show a label given or removed", async () => {
    const admin = await createPerson(t.db, "admin");
    const editor = await createPerson(t.db, "editor");
    const rep = await createPerson(t.db, "member", "Rae Rep");
    const lyc = await lynas();
    const article = await createArticle(t.db);
    await createComment(t.db, article.id, { userId: rep.id, authorName: rep.name, authorEmail: rep.email, body: "Watching $LYC closely." });
    const adminCookie = await cookieFor(admin.id);

    expect((await post("/admin/labels", await cookieFor(editor.id), { intent: "give", member: "Rae Rep", kind: "staff" })).status).toBe(403);
    const bad = await post("/admin/labels", adminCookie, { intent: "give", member: "Nobody Here", kind: "company-representative", tickerId: "", role: "Investor Relations" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("No member has that display name or profile link.");
    expect(bad.text).toContain("Choose the company this member speaks for.");
    expect(bad.text).toMatch(/name="member"[^>]*value="Nobody Here"/);
    expect(bad.text).toMatch(/name="role"[^>]*value="Investor Relations"/);

    // Guests' pages, cached.
    const guestPage = async (path: string) => (await request(app.base, { path })).text;
    for (let i = 0; i < 2; i++) {
      expect(await guestPage(`/articles/${article.slug}`)).not.toContain("Company representative");
      expect(await guestPage("/tickers/ASX/LYC")).not.toContain("Company representative");
    }
    const given = await post("/admin/labels", adminCookie, { intent: "give", member: `/users/${rep.id}`, kind: "company-representative", tickerId: String(lyc.id), role: "Investor Relations" });
    expect(given.status).toBe(303);
    expect(given.headers.location).toBe("/admin/labels?notice=given");
    const full = "Company representative — Lynas Rare Earths, Investor Relations";
    await eventually(async () => (await guestPage(`/articles/${article.slug}`)).includes(full), "the label shows on the article page");
    await eventually(async () => (await guestPage("/tickers/ASX/LYC")).includes(full), "the label shows on the ticker page");
    const listed = await request(app.base, { path: "/admin/labels", headers: { Cookie: adminCookie } });
    expect(listed.text).toContain(full);
    expect(listed.text).not.toContain(rep.email);

    // Removed from the member's page (the administrators' Labels block), back there.
    const profile = await request(app.base, { path: `/users/${rep.id}`, headers: { Cookie: adminCookie } });
    expect(profile.text).toContain('id="labels"');
    const label = await t.db.selectFrom("member_labels").select("id").executeTakeFirstOrThrow();
    const removed = await post("/admin/labels", adminCookie, { intent: "remove", labelId: String(label.id), returnTo: `/users/${rep.id}` });
    expect(removed.status).toBe(303);
    expect(removed.headers.location).toBe(`/users/${rep.id}#labels`);
    await eventually(async () => !(await guestPage(`/articles/${article.slug}`)).includes("Company representative"), "the label goes from the article page");
    // Nobody else gets the Labels block.
    expect((await request(app.base, { path: `/users/${rep.id}` })).text).not.toContain('id="labels"');
  });
});
