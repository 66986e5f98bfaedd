// For `npm run bench` only: when ASSAY_BENCH_STATS_DIR is set, this process writes its own
// CPU time, memory and peak RSS to <dir>/<pid>.json every 100 ms, so the bench can put the
// server's CPU per request beside each req/s (however many processes serve). On SIGUSR2 it
// runs a full GC (when started with --expose-gc) and records the heap left after it.
// Unset (every normal start), it does nothing.
import { renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export function startBenchStats(role: string): void {
  const dir = process.env.ASSAY_BENCH_STATS_DIR;
  if (!dir) return;
  const file = path.join(dir, `${process.pid}.json`);
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
    // Written aside and renamed, so a reader never sees half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(stats));
    renameSync(`${file}.tmp`, file);
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
