import { expect, test } from "vitest";
import { COMMENT_MAX_LENGTH } from "~/lib/validation";

test("gate fixture: a unit test that passes", () => {
  expect(COMMENT_MAX_LENGTH).toBeGreaterThan(0);
});
