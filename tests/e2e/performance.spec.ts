// A long thread in the browser: "Load more comments" and "More replies" are plain
// links (they work without JavaScript, and with it as client-side navigations),
// every comment shows once; and a held comment never reaches a fresh visitor
// through the guest page cache.
import type { DB } from "../../db/connection";
import { saveArticle } from "~/models/articles.server";
import { REPLIES_PER_ROOT, ROOTS_PER_PAGE } from "~/models/threads.server";
import { expect, test, uniqueText } from "./fixtures";

async function longThread(db: DB, label: string) {
  const slug = `long-thread-${label}-${Date.now().toString(36)}`;
  const { id } = await saveArticle(db, {
    slug,
    title: `A long thread (${label})`,
    highlights: [],
    bodyMarkdown: "An article with many comments.",
    byline: "Test desk",
    publishedAt: new Date(Date.now() - 3_600_000),
    categorySlugs: [],
  });
  const start = Date.now() - 3_000_000;
  const row = (i: number, parentId: number | null, name: string) => ({
    article_id: id,
    parent_id: parentId,
    status: "approved" as const,
    author_name: name,
    author_email: `${name.replace(/\W/g, "").toLowerCase()}@example.com`,
    body_markdown: `Words of ${name}`,
    body_html: `<p>Words of ${name}</p>`,
    created_at: new Date(start + i * 1000),
  });
  const roots = await db
    .insertInto("comments")
    .values(Array.from({ length: ROOTS_PER_PAGE + 5 }, (_, i) => row(i, null, `Top ${i + 1}`)))
    .returning("id")
    .execute();
  const first = roots[0]!.id;
  await db
    .insertInto("comments")
    .values(Array.from({ length: REPLIES_PER_ROOT + 3 }, (_, i) => row(1000 + i, first, `Replier ${i + 1}`)))
    .execute();
  return { slug, total: ROOTS_PER_PAGE + 5 };
}

for (const javaScriptEnabled of [false, true]) {
  test.describe(`a long thread with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("Load more comments and More replies show every comment once", async ({ page, db }) => {
      const { slug } = await longThread(db, javaScriptEnabled ? "js" : "nojs");
      await page.goto(`/articles/${slug}`);
      const topLevel = page.locator("#comment-thread > ol.comment-list > li");
      await expect(topLevel).toHaveCount(ROOTS_PER_PAGE);
      await expect(page.getByText("Words of Top 1", { exact: true })).toBeVisible();
      await expect(page.getByText(`Words of Top ${ROOTS_PER_PAGE}`, { exact: true })).toBeVisible();
      await expect(page.getByText(`Words of Top ${ROOTS_PER_PAGE + 1}`, { exact: true })).toHaveCount(0);
      // The first conversation shows its first replies, and offers the rest.
      await expect(page.getByText(`Words of Replier ${REPLIES_PER_ROOT}`, { exact: true })).toBeVisible();
      await expect(page.getByText(`Words of Replier ${REPLIES_PER_ROOT + 1}`, { exact: true })).toHaveCount(0);

      await page.getByRole("link", { name: "More replies to Top 1" }).click();
      await expect(page).toHaveURL(/\?thread=\d+/);
      await expect(page.getByText("One conversation, on its own.")).toBeVisible();
      for (let i = 1; i <= REPLIES_PER_ROOT + 3; i++) {
        await expect(page.getByText(`Words of Replier ${i}`, { exact: true })).toHaveCount(1);
      }
      await expect(page.getByText("Words of Top 2", { exact: true })).toHaveCount(0);
      await page.getByRole("link", { name: "Back to all comments" }).click();
      await expect(topLevel).toHaveCount(ROOTS_PER_PAGE);

      await page.getByRole("link", { name: "Load more comments" }).click();
      await expect(page).toHaveURL(/\?after=/);
      await expect(topLevel).toHaveCount(5);
      for (let i = ROOTS_PER_PAGE + 1; i <= ROOTS_PER_PAGE + 5; i++) {
        await expect(page.getByText(`Words of Top ${i}`, { exact: true })).toHaveCount(1);
      }
      await expect(page.getByText(`Words of Top ${ROOTS_PER_PAGE}`, { exact: true })).toHaveCount(0);
      await expect(page.getByRole("link", { name: "Load more comments" })).toHaveCount(0);
      await page.getByRole("link", { name: "Back to the first comments" }).click();
      await expect(page.getByText("Words of Top 1", { exact: true })).toBeVisible();
    });
  });
}

test("a held comment reaches its poster only, even with the page cached for guests", async ({ page, browser, baseURL, db }) => {
  const { slug } = await longThread(db, "held");
  // A guest reads the page first: it is now in the guest page cache.
  const reader = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const readerPage = await reader.newPage();
  await readerPage.goto(`/articles/${slug}`);

  const body = uniqueText("Held until approved");
  await page.goto(`/articles/${slug}`);
  await page.getByLabel("Comment *").fill(body);
  await page.getByLabel("Name *").fill("Cache Tester");
  await page.getByLabel("Email *").fill(`cache-${Date.now()}@example.com`);
  await page.getByRole("button", { name: "Post Comment" }).click();
  // Held: shown to its poster where they land, at the end of the first page.
  await expect(page.locator(".comment--held", { hasText: body })).toBeVisible();

  for (const path of [`/articles/${slug}`, `/articles/${slug}?replytocom=1`]) {
    await readerPage.goto(path);
    await expect(readerPage.getByText(body)).toHaveCount(0);
  }
  await readerPage.getByRole("link", { name: "Load more comments" }).click();
  await expect(readerPage.getByText(body)).toHaveCount(0);
  await reader.close();
});
