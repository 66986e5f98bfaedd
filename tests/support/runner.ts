// The test runner behind `npm test`, `npm run test:*` and `.ci/run`. Each suite
// runs in its own child process and is judged twice: by its exit code and by the
// counts in its JSON report. A child's exit code alone is not trusted (a library's
// exit hook once turned failing runs into exit 0), so a suite passes only when its
// report exists, ran at least one test, and counts no failure, no skip and no flake.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

export type SuiteName = "unit" | "integration" | "e2e";
export const SUITES: readonly SuiteName[] = ["unit", "integration", "e2e"];

export interface RunnerOptions {
  suites: readonly SuiteName[];
  /** Vitest config holding the `unit` and `integration` projects. */
  vitestConfig: string;
  playwrightConfig: string;
  /** Folder for the JSON reports (emptied of stale reports first). */
  reportDir: string;
  /** Build for production (`npm run build`) before integration/e2e (the tests start the built server). */
  build: boolean;
  /** Run before e2e; returns an error message when no browser can be had. */
  ensureBrowser?: () => string | null;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface SuiteVerdict {
  suite: SuiteName | "build";
  exitCode: number;
  passed: number;
  /** Names of what failed, skipped or flaked, or why the suite is not trusted. */
  problems: string[];
}

export interface RunResult {
  ok: boolean;
  verdicts: SuiteVerdict[];
  passed: number;
  failed: number;
}

// Vitest's JSON report (its Jest-compatible shape), only what we read.
interface VitestAssertion {
  fullName?: string;
  title?: string;
  status?: string;
  failureMessages?: string[];
}
interface VitestFile {
  name?: string;
  status?: string;
  message?: string;
  assertionResults?: VitestAssertion[];
}
interface VitestReport {
  success?: boolean;
  numTotalTests?: number;
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  numFailedTestSuites?: number;
  testResults?: VitestFile[];
}

// Playwright's JSON report, only what we read.
interface PlaywrightResult {
  status?: string;
}
interface PlaywrightTest {
  status?: string; // "expected" | "unexpected" | "flaky" | "skipped"
  results?: PlaywrightResult[];
}
interface PlaywrightSpec {
  title?: string;
  file?: string;
  tests?: PlaywrightTest[];
}
interface PlaywrightSuite {
  title?: string;
  specs?: PlaywrightSpec[];
  suites?: PlaywrightSuite[];
}
interface PlaywrightReport {
  stats?: { expected?: number; unexpected?: number; flaky?: number; skipped?: number };
  suites?: PlaywrightSuite[];
  errors?: { message?: string }[];
}

function readJson<T>(file: string): T | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

const firstLine = (text: string | undefined) => (text ?? "").split("\n").find((l) => l.trim())?.trim() ?? "";

/** Judge a Vitest run from its report and exit code. Exported for the runner's own tests. */
export function judgeVitest(suite: SuiteName, report: VitestReport | null, exitCode: number): SuiteVerdict {
  const verdict: SuiteVerdict = { suite, exitCode, passed: 0, problems: [] };
  if (!report) {
    verdict.problems.push(`${suite}: no JSON report was written (the suite did not run to the end)`);
    return verdict;
  }
  verdict.passed = report.numPassedTests ?? 0;
  for (const file of report.testResults ?? []) {
    const where = path.relative(process.cwd(), file.name ?? "?");
    for (const test of file.assertionResults ?? []) {
      const name = `${where} › ${test.fullName ?? test.title ?? "?"}`;
      if (test.status === "failed") verdict.problems.push(`failed: ${name}: ${firstLine(test.failureMessages?.[0])}`);
      else if (test.status === "skipped" || test.status === "pending" || test.status === "todo")
        verdict.problems.push(`skipped: ${name}`);
    }
    // A file that failed outside any test (an import error, a failing hook).
    if (file.status === "failed" && !(file.assertionResults ?? []).some((t) => t.status === "failed"))
      verdict.problems.push(`failed: ${where}: ${firstLine(file.message) || "the file failed outside its tests"}`);
  }
  const failed = report.numFailedTests ?? 0;
  const listedFailures = verdict.problems.filter((p) => p.startsWith("failed:")).length;
  if (failed > listedFailures) verdict.problems.push(`${suite}: the report counts ${failed} failed tests`);
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const listedSkips = verdict.problems.filter((p) => p.startsWith("skipped:")).length;
  if (skipped > listedSkips) verdict.problems.push(`${suite}: the report counts ${skipped} skipped tests`);
  if ((report.numFailedTestSuites ?? 0) > 0 && verdict.problems.length === 0)
    verdict.problems.push(`${suite}: ${report.numFailedTestSuites} test files failed`);
  if (report.success === false && verdict.problems.length === 0) verdict.problems.push(`${suite}: the report says it did not succeed`);
  if ((report.numTotalTests ?? 0) === 0) verdict.problems.push(`${suite}: no test ran`);
  if (exitCode !== 0 && verdict.problems.length === 0) verdict.problems.push(`${suite}: Vitest exited with code ${exitCode}`);
  return verdict;
}

function* playwrightTests(suites: PlaywrightSuite[] | undefined, trail: string[] = []): Generator<[string, PlaywrightTest]> {
  for (const suite of suites ?? []) {
    const here = suite.title ? [...trail, suite.title] : trail;
    for (const spec of suite.specs ?? []) for (const test of spec.tests ?? []) yield [[...here, spec.title ?? "?"].join(" › "), test];
    yield* playwrightTests(suite.suites, here);
  }
}

/** Judge a Playwright run from its report and exit code. Exported for the runner's own tests. */
export function judgePlaywright(report: PlaywrightReport | null, exitCode: number): SuiteVerdict {
  const verdict: SuiteVerdict = { suite: "e2e", exitCode, passed: 0, problems: [] };
  if (!report) {
    verdict.problems.push("e2e: no JSON report was written (the suite did not run to the end)");
    return verdict;
  }
  const stats = report.stats ?? {};
  verdict.passed = stats.expected ?? 0;
  for (const error of report.errors ?? []) verdict.problems.push(`error: ${firstLine(error.message)}`);
  for (const [name, test] of playwrightTests(report.suites)) {
    if (test.status === "unexpected") verdict.problems.push(`failed: ${name}`);
    else if (test.status === "flaky") verdict.problems.push(`flaky: ${name}`);
    else if (test.status === "skipped") verdict.problems.push(`skipped: ${name}`);
  }
  const counted = (stats.unexpected ?? 0) + (stats.flaky ?? 0) + (stats.skipped ?? 0);
  const listed = verdict.problems.filter((p) => !p.startsWith("error:")).length;
  if (counted > listed) verdict.problems.push(`e2e: the report counts ${counted} failed, flaky or skipped tests`);
  if ((stats.expected ?? 0) + counted === 0) verdict.problems.push("e2e: no test ran");
  if (exitCode !== 0 && verdict.problems.length === 0) verdict.problems.push(`e2e: Playwright exited with code ${exitCode}`);
  return verdict;
}

export function runSuites(options: RunnerOptions): RunResult {
  const log = options.log ?? ((line: string) => console.log(line));
  const env = options.env ?? process.env;
  // Every suite runs on this runner's own node (`npx -y node@24 … scripts/test.ts` tests
  // Node 24): npx, npm and the tools' `#!/usr/bin/env node` find it first on the PATH,
  // and the tests spawn servers with process.execPath.
  const nodeFirst = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ""}`;
  const run = (command: string, args: string[], extraEnv: Record<string, string> = {}): number => {
    log(`\n$ ${command} ${args.join(" ")}`);
    const result = spawnSync(command, args, { stdio: "inherit", env: { ...env, PATH: nodeFirst, ...extraEnv } });
    return result.status ?? 1;
  };
  mkdirSync(options.reportDir, { recursive: true });
  const verdicts: SuiteVerdict[] = [];

  if (options.build && options.suites.some((s) => s !== "unit")) {
    // The production build (Remix, then build/server): the tests serve what production runs.
    const code = run("npm", ["run", "build"]);
    if (code !== 0) verdicts.push({ suite: "build", exitCode: code, passed: 0, problems: [`npm run build exited with code ${code}`] });
  }

  for (const suite of options.suites) {
    if (verdicts.some((v) => v.suite === "build")) break; // nothing to test without a build
    const report = path.resolve(options.reportDir, `${suite}.json`);
    // A stale report must never be counted as this run's.
    rmSync(report, { force: true });
    if (suite === "e2e") {
      const noBrowser = options.ensureBrowser?.() ?? null;
      if (noBrowser) {
        verdicts.push({ suite, exitCode: 1, passed: 0, problems: [noBrowser] });
        continue;
      }
      const code = run("npx", ["playwright", "test", "--config", options.playwrightConfig, "--reporter=list,json"], {
        PLAYWRIGHT_JSON_OUTPUT_NAME: report,
      });
      verdicts.push(judgePlaywright(readJson<PlaywrightReport>(report), code));
    } else {
      const code = run("npx", [
        "vitest", "run", "--config", options.vitestConfig, "--project", suite,
        "--reporter=default", "--reporter=json", `--outputFile.json=${report}`,
      ]);
      verdicts.push(judgeVitest(suite, readJson<VitestReport>(report), code));
    }
  }

  const passed = verdicts.reduce((sum, v) => sum + v.passed, 0);
  const failed = verdicts.reduce((sum, v) => sum + v.problems.length, 0);
  log("");
  for (const verdict of verdicts) {
    log(`${verdict.suite}: ${verdict.passed} passed${verdict.problems.length ? `, ${verdict.problems.length} problems` : ""}`);
    for (const problem of verdict.problems) log(`  ✗ ${problem}`);
  }
  const ok = verdicts.length > 0 && failed === 0 && verdicts.length === options.suites.length;
  log(`\nTests: ${passed} passed, ${failed} failed`);
  return { ok, verdicts, passed, failed };
}

export function parseSuites(args: string[]): SuiteName[] {
  if (args.length === 0) return [...SUITES];
  const unknown = args.filter((a) => !SUITES.includes(a as SuiteName));
  if (unknown.length) throw new Error(`Unknown suite ${unknown.join(", ")}: choose from ${SUITES.join(", ")}`);
  return SUITES.filter((s) => args.includes(s));
}
