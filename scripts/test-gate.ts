// `npm run test:gate` (run by .ci/run on every submission): proves the test gate
// holds. For each suite kind it runs scripts/test.ts, the entry behind `npm test`,
// over the fixture suites in tests/gate/: with a failing test the runner must exit
// non-zero and name it; with the failing test removed it must exit 0. And plain
// `npx vitest run` must keep a failure's exit code too (no library's exit hook
// may replace it).
import { spawnSync } from "node:child_process";
import path from "node:path";

interface Check {
  name: string;
  command: string[];
  env: Record<string, string>;
  expectFailure: boolean;
  mustMention: string;
}

const reportDir = path.resolve("test-results", "gate");
const fixtureEnv = {
  ASSAY_TEST_VITEST_CONFIG: "tests/gate/vitest.config.ts",
  ASSAY_TEST_PLAYWRIGHT_CONFIG: "tests/gate/playwright.config.ts",
  ASSAY_TEST_REPORT_DIR: reportDir,
  ASSAY_TEST_BUILD: "0",
};
const failingName: Record<string, string> = {
  unit: "a unit test that fails on purpose",
  integration: "an integration test that fails on purpose",
  e2e: "a browser test that fails on purpose",
};

const checks: Check[] = [];
for (const suite of ["unit", "integration", "e2e"]) {
  checks.push({
    name: `${suite}: npm test with a failing test exits non-zero and names it`,
    command: ["npx", "tsx", "scripts/test.ts", suite],
    env: { ...fixtureEnv, GATE_INCLUDE_FAILING: "1" },
    expectFailure: true,
    mustMention: failingName[suite]!,
  });
  checks.push({
    name: `${suite}: npm test with the failing test removed exits 0`,
    command: ["npx", "tsx", "scripts/test.ts", suite],
    env: { ...fixtureEnv, GATE_INCLUDE_FAILING: "0" },
    expectFailure: false,
    mustMention: "Tests: 1 passed, 0 failed",
  });
}
// The root cause: Vitest's own exit code, with the embedded PostgreSQL started by
// the integration setup in the same process as a unit failure.
checks.push({
  name: "plain vitest run over a failing unit test and the database suite exits non-zero",
  command: ["npx", "vitest", "run", "--config", "tests/gate/vitest.config.ts", "tests/gate/unit/arithmetic.fail.test.ts", "tests/gate/integration/database.pass.test.ts"],
  env: { GATE_INCLUDE_FAILING: "1" },
  expectFailure: true,
  mustMention: failingName.unit!,
});
checks.push({
  name: "plain vitest run over a failing integration test exits non-zero",
  command: ["npx", "vitest", "run", "--config", "tests/gate/vitest.config.ts", "--project", "integration"],
  env: { GATE_INCLUDE_FAILING: "1" },
  expectFailure: true,
  mustMention: failingName.integration!,
});

let failures = 0;
for (const check of checks) {
  const started = Date.now();
  const result = spawnSync(check.command[0]!, check.command.slice(1), {
    env: { ...process.env, ...check.env },
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  const code = result.status ?? 1;
  const problems: string[] = [];
  if (check.expectFailure && code === 0) problems.push("exited 0");
  if (!check.expectFailure && code !== 0) problems.push(`exited ${code}`);
  if (!output.includes(check.mustMention)) problems.push(`did not print "${check.mustMention}"`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (problems.length === 0) {
    console.log(`ok   ${check.name} (exit ${code}, ${seconds} s)`);
  } else {
    failures += 1;
    console.log(`FAIL ${check.name}: ${problems.join("; ")}\n---- its output ----\n${output}\n--------------------`);
  }
}
console.log(`\ngate: ${checks.length - failures} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
