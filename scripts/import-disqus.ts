// `npm run import:disqus -- [--dry-run] export.xml`: a Disqus export with its
// threads (matched to articles by canonical URL, or created) and posts.
import { readDisqusExport } from "../app/lib/disqus-export.server";
import { importDisqus } from "../app/models/site-import.server";
import { runImportCommand } from "./import-site";

await runImportCommand({
  name: "import-disqus",
  usage: "Usage: npm run import:disqus -- [--dry-run] export.xml",
  run: (db, file, { dryRun }) => importDisqus(db, readDisqusExport(file), { dryRun }),
});
