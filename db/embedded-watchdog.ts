// The embedded PostgreSQL's watchdog (started detached by db/embedded.ts): stops
// the server of a data folder a few seconds after no Assay process uses it.
import { watchFolder } from "./embedded";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: embedded-watchdog.ts DATA_DIR");
const log = (message: string) => console.log(`${new Date().toISOString()} [watchdog ${process.pid}] ${message}`);
watchFolder(dataDir, log).then(
  () => process.exit(0),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
