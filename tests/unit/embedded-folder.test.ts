// The registered clients of an embedded server's data folder: a pid counts only
// while that very process runs, not a later one given the same pid (after a reboot).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { embeddedFiles, liveClients, register, startTimeOf } from "../../db/embedded-folder";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "assay-clients-"));
  made.push(dir);
  return dir;
}

describe("the clients of an embedded server", () => {
  it("counts a registered process while it runs", () => {
    const dataDir = folder();
    register(dataDir);
    expect(liveClients(dataDir)).toEqual([process.pid]);
  });

  it("drops a client whose pid no longer runs", () => {
    const dataDir = folder();
    const { clients } = embeddedFiles(dataDir);
    mkdirSync(clients, { recursive: true });
    writeFileSync(path.join(clients, String(2 ** 22 + 1)), "\n");
    expect(liveClients(dataDir)).toEqual([]);
    expect(existsSync(path.join(clients, String(2 ** 22 + 1)))).toBe(false);
  });

  it("drops a client whose pid now belongs to a later process (start times from Linux's /proc)", () => {
    const dataDir = folder();
    const { clients } = embeddedFiles(dataDir);
    mkdirSync(clients, { recursive: true });
    // This process's pid, recorded with another start time: an earlier holder of the pid.
    writeFileSync(path.join(clients, String(process.pid)), `${Number(startTimeOf(process.pid)) - 1}\nnode old-client\n`);
    expect(liveClients(dataDir)).toEqual([]);
  });
});
