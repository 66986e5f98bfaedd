import { expect, test } from "@playwright/test";

test("gate fixture: a browser test that passes", async ({ page }) => {
  await page.setContent("<h1>Leave a Reply</h1>");
  await expect(page.getByRole("heading")).toHaveText("Leave a Reply");
});
