// For `npm run bench` only: when ASSAY_BENCH_STATS_DIR is set, this process writes its own
// CPU time, memory and peak RSS to <dir>/<pid>.json every 100 ms, so the bench can put the
// server's CPU per request beside each req/s (however many processes serve). On SIGUSR2 it
// runs a full GC (when started with --expose-gc) and records the heap left after it.
// Unset (every normal start), it does nothing.
import { openSync, writeSync } from "node:fs";
import path from "node:path";

/** `role`: "server" for a process that serves requests, "primary" for a cluster's primary. */
export function startBenchStats(role: "server" | "primary"): void {
  const dir = process.env.ASSAY_BENCH_STATS_DIR;
  if (!dir) return;
  // One file per process, opened once and overwritten in place: a rename or an open
  // every 100 ms showed up in the server's own CPU profile.
  const fd = openSync(path.join(dir, `${process.pid}.json`), "w");
  let heapAfterGcMb: number | null = null;
  const write = () => {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const stats = {
      pid: process.pid,
      role,
      at: Date.now(),
      cpuMicros: cpu.user + cpu.system,
      rssMb: memory.rss / 2 ** 20,
      heapUsedMb: memory.heapUsed / 2 ** 20,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      heapAfterGcMb,
    };
    // Padded to a fixed length, so each write covers the last (a reader that catches one half-written tries again).
    writeSync(fd, JSON.stringify(stats).padEnd(400), 0, "utf8");
  };
  write();
  setInterval(write, 100).unref();
  process.on("SIGUSR2", () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      gc();
      heapAfterGcMb = process.memoryUsage().heapUsed / 2 ** 20;
    }
    write();
  });
}
