import { expect, test } from "vitest";

test("gate fixture: a unit test that fails on purpose", () => {
  expect(1 + 1).toBe(3);
});
