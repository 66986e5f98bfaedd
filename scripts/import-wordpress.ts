// `npm run import:wordpress -- [--dry-run] [--tags-as-categories] export.xml`:
// a WordPress export (Tools › Export, WXR) with its posts, categories and comments.
// The HTML is converted in worker threads while this one reads the file and writes.
import { workerConverter } from "../app/lib/import-convert.server";
import { readWxr } from "../app/lib/wxr.server";
import { importWordPress } from "../app/models/site-import.server";
import { runImportCommand } from "./import-site";

await runImportCommand({
  name: "import-wordpress",
  usage: "Usage: npm run import:wordpress -- [--dry-run] [--tags-as-categories] export.xml",
  flags: { "tags-as-categories": "import tags as categories too (otherwise they are dropped)" },
  async run(db, file, { dryRun, flags }) {
    const converter = workerConverter();
    try {
      return await importWordPress(db, readWxr(file), { dryRun, tagsAsCategories: flags["tags-as-categories"], converter });
    } finally {
      await converter.close();
    }
  },
});
