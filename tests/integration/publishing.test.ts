// Publishing on a real PostgreSQL: slugs and their redirects, scheduling with a
// clock the test sets, revisions and restore, two editors saving at once,
// unpublishing, merging categories, and the "told once" rule for notifications.
import { describe, expect, it } from "vitest";
import { getPublishedArticle, listPublishedArticles } from "~/models/articles.server";
import { createCategory, deleteCategory, findCategoryRedirect, mergeCategories, updateCategory } from "~/models/categories.server";
import {
  announceDueArticles,
  findArticleRedirect,
  getArticleForEditing,
  listEditorArticles,
  listRevisions,
  getRevision,
  republishArticle,
  restoreRevision,
  saveEditedArticle,
  unpublishArticle,
  type ArticleFields,
  type SaveInput,
} from "~/models/publishing.server";
import { listModerationLog } from "~/models/moderation-log.server";
import { useTestDatabase } from "../support/db";
import { createComment } from "../support/factories";
import { createPerson } from "../support/people";

const t = useTestDatabase();

function fields(overrides: Partial<ArticleFields> = {}): ArticleFields {
  return {
    title: "Lynas Opens Its Texas Plant",
    slug: "",
    byline: "Desk",
    highlights: ["One", "Two"],
    bodyMarkdown: "The plant opened **today**.",
    excerpt: "",
    categoryIds: [],
    newCategoryNames: [],
    commentsOpen: true,
    ...overrides,
  };
}

async function editor(name = "Eddie Editor") {
  const person = await createPerson(t.db, "editor", name);
  return { id: person.id, name: person.name };
}

async function save(input: Partial<SaveInput> & { fields?: ArticleFields }) {
  const actor = input.actor ?? (await editor());
  const result = await saveEditedArticle(t.db, {
    articleId: null,
    expectedVersion: 0,
    publish: { mode: "keep" },
    ...input,
    actor,
    fields: input.fields ?? fields(),
  });
  if (!result.ok) throw new Error(`save refused: ${JSON.stringify(result)}`);
  return result;
}

describe("slugs", () => {
  it("makes the slug from the title, keeps it stable once published, and redirects an old one", async () => {
    const me = await editor();
    const draft = await save({ actor: me });
    expect(draft.slug).toBe("lynas-opens-its-texas-plant");
    expect(draft.status).toBe("draft");

    // A draft's title change moves its slug (nobody has seen it yet) and leaves no redirect.
    const retitled = await save({ actor: me, articleId: draft.id, expectedVersion: 1, fields: fields({ title: "Lynas Opens Texas Plant" }) });
    expect(retitled.slug).toBe("lynas-opens-texas-plant");
    expect(await findArticleRedirect(t.db, "lynas-opens-its-texas-plant")).toBeNull();

    const published = await save({ actor: me, articleId: draft.id, expectedVersion: 2, fields: fields({ title: "Lynas Opens Texas Plant" }), publish: { mode: "publish" } });
    expect(published.status).toBe("published");
    // After publishing, a new title keeps the address.
    const again = await save({ actor: me, articleId: draft.id, expectedVersion: 3, fields: fields({ title: "Lynas Opens Its First US Plant" }) });
    expect(again.slug).toBe("lynas-opens-texas-plant");

    // Changing it by hand: the old address answers with the new one.
    const moved = await save({ actor: me, articleId: draft.id, expectedVersion: 4, fields: fields({ title: "Lynas Opens Its First US Plant", slug: "lynas-first-us-plant" }) });
    expect(moved.slug).toBe("lynas-first-us-plant");
    expect(await findArticleRedirect(t.db, "lynas-opens-texas-plant")).toBe("lynas-first-us-plant");
    expect(await getPublishedArticle(t.db, "lynas-first-us-plant")).not.toBeNull();
    expect(await getPublishedArticle(t.db, "lynas-opens-texas-plant")).toBeNull();
  });

  it("refuses a slug another article has, now or as an old address", async () => {
    const me = await editor();
    const first = await save({ actor: me, fields: fields({ slug: "first" }), publish: { mode: "publish" } });
    await save({ actor: me, articleId: first.id, expectedVersion: 1, fields: fields({ slug: "first-renamed" }) });
    const taken = await saveEditedArticle(t.db, { articleId: null, expectedVersion: 0, actor: me, fields: fields({ slug: "first-renamed" }), publish: { mode: "keep" } });
    expect(taken).toMatchObject({ ok: false, error: "invalid", errors: { slug: expect.stringContaining("already uses") } });
    const old = await saveEditedArticle(t.db, { articleId: null, expectedVersion: 0, actor: me, fields: fields({ slug: "first" }), publish: { mode: "keep" } });
    expect(old).toMatchObject({ ok: false, error: "invalid" });
    // The article itself may take its old slug back: the redirect goes.
    const back = await save({ actor: me, articleId: first.id, expectedVersion: 2, fields: fields({ slug: "first" }) });
    expect(back.slug).toBe("first");
    expect(await findArticleRedirect(t.db, "first")).toBeNull();
    expect(await findArticleRedirect(t.db, "first-renamed")).toBe("first");
  });
});

describe("scheduling", () => {
  it("keeps a scheduled article from readers until its time, then shows it with nobody acting", async () => {
    const at = new Date("2031-03-01T09:00:00Z");
    const now = new Date("2031-02-28T12:00:00Z");
    const a = await save({ fields: fields({ slug: "scheduled-one" }), publish: { mode: "publish", at }, now });
    expect(a.status).toBe("scheduled");
    const before = new Date(at.getTime() - 1000);
    const after = new Date(at.getTime() + 1000);
    expect(await getPublishedArticle(t.db, "scheduled-one", before)).toBeNull();
    expect((await listPublishedArticles(t.db, { now: before })).articles.map((x) => x.slug)).not.toContain("scheduled-one");
    expect(await getPublishedArticle(t.db, "scheduled-one", after)).not.toBeNull();
    expect((await listPublishedArticles(t.db, { now: after })).articles.map((x) => x.slug)).toContain("scheduled-one");
    // The editors' list says scheduled before the time and published after.
    expect((await listEditorArticles(t.db, { now: before })).articles[0]!.status).toBe("scheduled");
    expect((await listEditorArticles(t.db, { now: after, status: "published" })).articles.map((x) => x.id)).toEqual([a.id]);
    // The schedule is in the log.
    const log = await listModerationLog(t.db);
    expect(log.entries.map((e) => e.action)).toContain("schedule");
  });

  it("announces each article once, when its time has come", async () => {
    const at = new Date("2031-05-01T08:00:00Z");
    const a = await save({ fields: fields({ slug: "announce-me" }), publish: { mode: "publish", at }, now: new Date("2031-04-30T00:00:00Z") });
    expect(await announceDueArticles(t.db, new Date(at.getTime() - 60_000))).toEqual([]);
    expect(await announceDueArticles(t.db, new Date(at.getTime() + 60_000))).toEqual([a.id]);
    expect(await announceDueArticles(t.db, new Date(at.getTime() + 120_000))).toEqual([]);
    // Unpublished and published again: not announced a second time.
    const article = await getArticleForEditing(t.db, a.id, new Date(at.getTime() + 1));
    const me = await editor();
    const off = await unpublishArticle(t.db, { articleId: a.id, expectedVersion: article!.version, actor: me, now: new Date(at.getTime() + 1) });
    expect(off.ok).toBe(true);
    await republishArticle(t.db, { articleId: a.id, expectedVersion: article!.version + 1, actor: me, now: new Date(at.getTime() + 2) });
    expect(await announceDueArticles(t.db, new Date(at.getTime() + 180_000))).toEqual([]);
  });
});

describe("revisions", () => {
  it("keeps every save with who and when, compares and restores (a new revision)", async () => {
    const ann = await editor("Ann");
    const bob = await editor("Bob");
    const a = await save({ actor: ann, fields: fields({ title: "First title", bodyMarkdown: "First body." }) });
    await save({ actor: bob, articleId: a.id, expectedVersion: 1, fields: fields({ title: "Second title", bodyMarkdown: "Second body." }) });
    const revisions = await listRevisions(t.db, a.id);
    expect(revisions.map((r) => [r.version, r.authorName, r.title])).toEqual([
      [2, "Bob", "Second title"],
      [1, "Ann", "First title"],
    ]);
    const first = await getRevision(t.db, a.id, 1);
    expect(first).toMatchObject({ bodyMarkdown: "First body.", highlights: ["One", "Two"], byline: "Desk" });

    const restored = await restoreRevision(t.db, { articleId: a.id, version: 1, expectedVersion: 2, actor: ann });
    expect(restored).toMatchObject({ ok: true, version: 3 });
    const now = await getArticleForEditing(t.db, a.id);
    expect(now).toMatchObject({ title: "First title", bodyMarkdown: "First body.", version: 3 });
    expect(now!.bodyHtml).toBe("<p>First body.</p>");
    const after = await listRevisions(t.db, a.id);
    expect(after[0]).toMatchObject({ version: 3, kind: "restore", restoredFrom: 1, authorName: "Ann" });
    const log = await listModerationLog(t.db);
    expect(log.entries.find((e) => e.action === "restore-revision")).toMatchObject({ moderatorName: "Ann", details: { restoredVersion: 1 } });
  });
});

describe("two editors at once", () => {
  it("refuses the second save from the same version and says who saved", async () => {
    const ann = await editor("Ann");
    const bob = await editor("Bob");
    const a = await save({ actor: ann });
    await save({ actor: ann, articleId: a.id, expectedVersion: 1, fields: fields({ bodyMarkdown: "Ann's words." }) });
    const late = await saveEditedArticle(t.db, {
      articleId: a.id,
      expectedVersion: 1,
      actor: bob,
      fields: fields({ bodyMarkdown: "Bob's words." }),
      publish: { mode: "keep" },
    });
    expect(late).toMatchObject({ ok: false, error: "conflict", current: { version: 2, savedBy: "Ann" } });
    expect((await getArticleForEditing(t.db, a.id))!.bodyMarkdown).toBe("Ann's words.");
  });

  it("lets exactly one of two simultaneous saves through", async () => {
    const ann = await editor("Ann");
    const bob = await editor("Bob");
    const a = await save({ actor: ann });
    const results = await Promise.all(
      [ann, bob].map((actor) =>
        saveEditedArticle(t.db, { articleId: a.id, expectedVersion: 1, actor, fields: fields({ bodyMarkdown: `By ${actor.name}.` }), publish: { mode: "keep" } }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === "conflict")).toHaveLength(1);
    expect(await listRevisions(t.db, a.id)).toHaveLength(2);
  });
});

describe("unpublishing", () => {
  it("hides the article and its thread, keeps both, and publishing again restores them", async () => {
    const me = await editor();
    const publishedAt = new Date(Date.now() - 3600_000);
    const a = await save({ actor: me, fields: fields({ slug: "to-withdraw" }), publish: { mode: "publish", at: publishedAt } });
    const comment = await createComment(t.db, a.id);
    await t.db.updateTable("comments").set({ status: "approved" }).where("id", "=", comment.commentId).execute();

    const off = await unpublishArticle(t.db, { articleId: a.id, expectedVersion: a.version, actor: me, reason: "Legal check" });
    expect(off).toMatchObject({ ok: true, status: "unpublished" });
    expect(await getPublishedArticle(t.db, "to-withdraw")).toBeNull();
    expect((await listPublishedArticles(t.db)).articles).toHaveLength(0);
    expect(await t.db.selectFrom("comments").select("id").where("article_id", "=", a.id).execute()).toHaveLength(1);
    expect((await listEditorArticles(t.db, { status: "unpublished" })).articles.map((x) => x.id)).toEqual([a.id]);

    const on = await republishArticle(t.db, { articleId: a.id, expectedVersion: a.version + 1, actor: me });
    expect(on).toMatchObject({ ok: true, status: "published" });
    const back = await getPublishedArticle(t.db, "to-withdraw");
    expect(back!.publishedAt).toBe(publishedAt.toISOString());
    expect(back!.approvedCommentCount).toBe(1);
    const actions = (await listModerationLog(t.db)).entries.map((e) => e.action);
    expect(actions.slice(0, 3)).toEqual(["publish", "unpublish", "publish"]);
  });
});

describe("categories", () => {
  it("merges one into another: its articles move, its address redirects, it goes", async () => {
    const metals = await createCategory(t.db, { name: "Metals" });
    const mining = await createCategory(t.db, { name: "Mining" });
    if (!metals.ok || !mining.ok) throw new Error("categories not created");
    const both = await save({ fields: fields({ slug: "in-both", categoryIds: [metals.id, mining.id] }), publish: { mode: "publish" } });
    const one = await save({ fields: fields({ slug: "in-metals", categoryIds: [metals.id] }), publish: { mode: "publish" } });
    const merged = await mergeCategories(t.db, { fromId: metals.id, intoId: mining.id });
    expect(merged).toMatchObject({ ok: true, slug: "mining", moved: 1 });
    const links = await t.db.selectFrom("article_categories").select(["article_id", "category_id"]).orderBy("article_id").execute();
    expect(links).toEqual([
      { article_id: both.id, category_id: mining.id },
      { article_id: one.id, category_id: mining.id },
    ]);
    expect(await findCategoryRedirect(t.db, "metals")).toBe("mining");
    expect(await t.db.selectFrom("categories").select("slug").execute()).toEqual([{ slug: "mining" }]);
  });

  it("renames with a redirect, and deletes only an empty category", async () => {
    const c = await createCategory(t.db, { name: "Magnets", description: "" });
    if (!c.ok) throw new Error("not created");
    expect(await updateCategory(t.db, { id: c.id, name: "Permanent Magnets", slug: "permanent-magnets", description: "NdFeB and more." })).toMatchObject({ ok: true });
    expect(await findCategoryRedirect(t.db, "magnets")).toBe("permanent-magnets");
    await save({ fields: fields({ categoryIds: [c.id] }) });
    expect(await deleteCategory(t.db, c.id)).toEqual({ ok: false, error: "not-empty" });
    const empty = await createCategory(t.db, { name: "Empty" });
    if (!empty.ok) throw new Error("not created");
    expect(await deleteCategory(t.db, empty.id)).toMatchObject({ ok: true });
    // A new category cannot take a renamed one's old address.
    expect(await createCategory(t.db, { name: "Magnets" })).toEqual({ ok: false, error: "slug-taken" });
  });

  it("creates categories inline from the article form, reusing one that exists", async () => {
    const a = await save({ fields: fields({ newCategoryNames: ["Supply Chain", "Recycling"] }) });
    const again = await save({ articleId: a.id, expectedVersion: 1, fields: fields({ newCategoryNames: ["supply chain"] }) });
    expect(again.ok).toBe(true);
    expect((await t.db.selectFrom("categories").select("slug").orderBy("slug").execute()).map((r) => r.slug)).toEqual(["recycling", "supply-chain"]);
    expect((await getArticleForEditing(t.db, a.id))!.categories.map((c) => c.slug)).toEqual(["supply-chain"]);
  });
});

describe("excerpts", () => {
  it("derives the excerpt from the body unless the editor gives one", async () => {
    const a = await save({ fields: fields({ bodyMarkdown: "A *plain* start." }) });
    expect((await getArticleForEditing(t.db, a.id))!).toMatchObject({ excerpt: "A plain start.", excerptIsCustom: false });
    await save({ articleId: a.id, expectedVersion: 1, fields: fields({ excerpt: "Written by hand." }) });
    expect((await getArticleForEditing(t.db, a.id))!).toMatchObject({ excerpt: "Written by hand.", excerptIsCustom: true });
  });
});
