import { expect, test } from "@playwright/test";

test("gate fixture: a browser test that fails on purpose", async ({ page }) => {
  await page.setContent("<h1>Leave a Reply</h1>");
  await expect(page.getByRole("heading")).toHaveText("Comments are closed", { timeout: 1_000 });
});
