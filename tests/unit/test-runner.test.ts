// The runner's verdicts from the reports alone (the gate, scripts/test-gate.ts,
// drives the whole runner over real fixture suites).
import { describe, expect, test } from "vitest";
import { judgePlaywright, judgeVitest, parseSuites } from "../support/runner";

const vitestFile = (status: string, tests: { title: string; status: string }[]) => ({
  name: `${process.cwd()}/tests/unit/x.test.ts`,
  status,
  assertionResults: tests.map((t) => ({ fullName: t.title, title: t.title, status: t.status, failureMessages: t.status === "failed" ? ["expected 2 to be 3"] : [] })),
});

describe("judgeVitest", () => {
  test("a clean report with a zero exit code passes", () => {
    const verdict = judgeVitest("unit", { success: true, numTotalTests: 2, numPassedTests: 2, numFailedTests: 0, testResults: [vitestFile("passed", [{ title: "a", status: "passed" }, { title: "b", status: "passed" }])] }, 0);
    expect(verdict.problems).toEqual([]);
    expect(verdict.passed).toBe(2);
  });

  test("a failed test fails the suite even when the process exited 0, and is named", () => {
    const verdict = judgeVitest("integration", { success: false, numTotalTests: 2, numPassedTests: 1, numFailedTests: 1, testResults: [vitestFile("failed", [{ title: "detects duplicates", status: "passed" }, { title: "refuses a duplicate", status: "failed" }])] }, 0);
    expect(verdict.problems).toHaveLength(1);
    expect(verdict.problems[0]).toContain("refuses a duplicate");
  });

  test("a skipped or todo test fails the suite", () => {
    const verdict = judgeVitest("unit", { success: true, numTotalTests: 2, numPassedTests: 1, numPendingTests: 1, testResults: [vitestFile("passed", [{ title: "a", status: "passed" }, { title: "later", status: "skipped" }])] }, 0);
    expect(verdict.problems).toEqual([expect.stringContaining("skipped: tests/unit/x.test.ts › later")]);
  });

  test("a file that failed outside its tests fails the suite", () => {
    const report = { success: false, numTotalTests: 0, numFailedTestSuites: 1, testResults: [{ name: `${process.cwd()}/tests/unit/y.test.ts`, status: "failed", message: "Cannot find module", assertionResults: [] }] };
    expect(judgeVitest("unit", report, 1).problems[0]).toContain("Cannot find module");
  });

  test("a missing report or a run of no tests fails", () => {
    expect(judgeVitest("unit", null, 0).problems[0]).toContain("no JSON report");
    expect(judgeVitest("unit", { success: true, numTotalTests: 0, testResults: [] }, 0).problems).toEqual(["unit: no test ran"]);
  });

  test("a non-zero exit code with a clean report still fails", () => {
    const report = { success: true, numTotalTests: 1, numPassedTests: 1, testResults: [vitestFile("passed", [{ title: "a", status: "passed" }])] };
    expect(judgeVitest("unit", report, 1).problems).toEqual(["unit: Vitest exited with code 1"]);
  });
});

describe("judgePlaywright", () => {
  const spec = (title: string, status: string) => ({ title, tests: [{ status }] });
  test("unexpected, flaky and skipped tests each fail the suite by name", () => {
    const report = {
      stats: { expected: 1, unexpected: 1, flaky: 1, skipped: 1 },
      suites: [{ title: "pages.spec.ts", specs: [spec("home", "expected"), spec("article", "unexpected"), spec("login", "flaky"), spec("later", "skipped")] }],
    };
    expect(judgePlaywright(report, 1).problems).toEqual(["failed: pages.spec.ts › article", "flaky: pages.spec.ts › login", "skipped: pages.spec.ts › later"]);
  });

  test("a global-setup error, a missing report or no tests fail", () => {
    expect(judgePlaywright({ stats: { expected: 0 }, errors: [{ message: "The app server exited" }] }, 1).problems[0]).toContain("The app server exited");
    expect(judgePlaywright(null, 0).problems[0]).toContain("no JSON report");
    expect(judgePlaywright({ stats: { expected: 0 }, suites: [] }, 0).problems).toEqual(["e2e: no test ran"]);
  });

  test("a clean report passes", () => {
    expect(judgePlaywright({ stats: { expected: 1 }, suites: [{ title: "a", specs: [spec("home", "expected")] }] }, 0).problems).toEqual([]);
  });
});

test("parseSuites keeps the canonical order and refuses unknown names", () => {
  expect(parseSuites([])).toEqual(["unit", "integration", "e2e"]);
  expect(parseSuites(["e2e", "integration"])).toEqual(["integration", "e2e"]);
  expect(() => parseSuites(["smoke"])).toThrow(/Unknown suite smoke/);
});
