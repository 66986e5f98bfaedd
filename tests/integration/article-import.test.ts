// `npm run article:import`: the plain-text layout of seed-article.txt, Markdown
// with front matter, re-imports that update (never duplicate), malformed files
// that name their line and import nothing while the others still import, --dry-run.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseArticleFile } from "~/lib/article-import";
import { importArticle } from "~/models/article-import.server";
import { getArticleForEditing, listRevisions } from "~/models/publishing.server";
import { useTestDatabase } from "../support/db";
import { commandArgs, ensureBuild } from "../support/processes";

const t = useTestDatabase();
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
// The copy in the repository first, so the suite runs wherever it is cloned; the shared one beside it otherwise.
const SEED_ARTICLE = [path.join(repoRoot, "tests/fixtures/seed-article.txt"), path.resolve(repoRoot, "../shared/seed-article.txt")].find((p) => existsSync(p))!;
const run = promisify(execFile);

async function importFile(file: string) {
  const parsed = parseArticleFile(await readFile(file, "utf8"));
  if (!parsed.ok) throw new Error(`${parsed.line}: ${parsed.message}`);
  const outcome = await importArticle(t.db, parsed.article);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome;
}

function listItems(html: string, tag: "ul" | "ol"): string[][] {
  return [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => [...m[1]!.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((li) => li[1]!.trim()));
}

describe("the plain-text layout (seed-article.txt)", () => {
  it("becomes an article with its title, three highlights, the list of orders and the list of implications", async () => {
    const outcome = await importFile(SEED_ARTICLE);
    expect(outcome.action).toBe("created");
    const article = await getArticleForEditing(t.db, outcome.id!);
    expect(article!.title).toBe(
      "Baogang Group Launches Emergency Safety & Environmental Inspections at Key Mining Sites Amid National Pressure on Industrial Risk Controls",
    );
    expect(article!.highlights).toHaveLength(3);
    expect(article!.highlights[0]).toBe("Baogang Group initiates high-level safety and environmental compliance checks across mining operations.");
    const bullets = listItems(article!.bodyHtml, "ul");
    expect(bullets).toHaveLength(1);
    expect(bullets[0]).toHaveLength(5);
    expect(bullets[0]![0]).toBe("Rigorously identify and eliminate major safety hazards,");
    const numbered = listItems(article!.bodyHtml, "ol");
    expect(numbered).toHaveLength(1);
    expect(numbered[0]).toHaveLength(4);
    expect(numbered[0]![3]).toMatch(/^Green energy integration/);
    expect(article!.bodyHtml).not.toContain("opens in a new tab");
    expect(article!.bodyHtml).toContain("According to Baogang Daily today");
    for (const footer of ["Spread the word", "CATEGORIES", "Leave a Reply", "Required fields"]) expect(article!.bodyMarkdown).not.toContain(footer);
    expect(article!.status).toBe("draft");
  });

  it("imported twice is one article with two revisions", async () => {
    const first = await importFile(SEED_ARTICLE);
    const second = await importFile(SEED_ARTICLE);
    expect(second).toMatchObject({ action: "updated", id: first.id, changed: [] });
    expect(await t.db.selectFrom("articles").select("id").execute()).toHaveLength(1);
    const revisions = await listRevisions(t.db, first.id!);
    expect(revisions.map((r) => [r.version, r.kind, r.authorName])).toEqual([
      [2, "import", "Import"],
      [1, "import", "Import"],
    ]);
  });
});

describe("Markdown with front matter", () => {
  const file = `---
title: "Neo Performance Materials Sells Its Chinese Plants"
slug: neo-sells-chinese-plants
byline: Assay newsroom
categories: [Supply Chain, China]
highlights:
  - Two separation plants change hands.
  - The buyer is state-owned.
published_at: 2026-01-15T08:00:00Z
comments_open: false
---
Neo said on Monday that it [agreed to sell](https://example.com/neo) (opens in a new tab) its plants.
`;

  it("imports every field, creating missing categories, and publishes at the given time", async () => {
    const parsed = parseArticleFile(file);
    if (!parsed.ok) throw new Error(parsed.message);
    const outcome = await importArticle(t.db, parsed.article);
    expect(outcome).toMatchObject({ ok: true, action: "created", slug: "neo-sells-chinese-plants" });
    const a = await getArticleForEditing(t.db, (outcome as { id: number }).id);
    expect(a).toMatchObject({
      title: "Neo Performance Materials Sells Its Chinese Plants",
      byline: "Assay newsroom",
      highlights: ["Two separation plants change hands.", "The buyer is state-owned."],
      publishedAt: "2026-01-15T08:00:00.000Z",
      commentsOpen: false,
      status: "published",
    });
    expect(a!.categories.map((c) => c.slug)).toEqual(["china", "supply-chain"]);
    // The link is kept; the page's own "(opens in a new tab)" text is not doubled.
    expect(a!.bodyHtml).toContain('<a href="https://example.com/neo" target="_blank" rel="noopener noreferrer nofollow">agreed to sell<span class="visually-hidden"> (opens in a new tab)</span></a> its plants');
  });

  it("names the line of a mistake", () => {
    expect(parseArticleFile("---\ntitle: Fine\nslug: fine\n  bad: indentation\n---\nBody.")).toMatchObject({ ok: false, line: 4 });
    expect(parseArticleFile("---\ntitle: Fine\ntittle: typo\n---\nBody.")).toMatchObject({ ok: false, line: 3, message: expect.stringContaining('unknown field "tittle"') });
    expect(parseArticleFile("---\ntitle: Fine\npublished_at: next tuesday\n---\nBody.")).toMatchObject({ ok: false, line: 3 });
    expect(parseArticleFile("Title\n\nHighlights\n\nNo bullets here.")).toMatchObject({ ok: false, line: 3 });
  });
});

describe("npm run article:import", () => {
  it("imports the good files of a run, names the bad one with its line, and --dry-run changes nothing", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "assay-import-"));
    try {
      const good = path.join(dir, "good.md");
      const bad = path.join(dir, "bad.md");
      await writeFile(good, "---\ntitle: A Good One\n---\nIts body.\n");
      await writeFile(bad, "---\ntitle: A Bad One\ncategories: [unclosed\n---\nIts body.\n");
      const env = { ...process.env, DATABASE_URL: t.url };
      await ensureBuild();
      const cli = (args: string[]) =>
        run(process.execPath, [...commandArgs("scripts/import-articles.ts"), ...args], { cwd: repoRoot, env }).then(
          (r) => ({ code: 0, ...r }),
          (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
        );

      const dry = await cli(["--dry-run", good, SEED_ARTICLE]);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain("would create /articles/a-good-one");
      expect(await t.db.selectFrom("articles").select("id").execute()).toHaveLength(0);

      const real = await cli([bad, good]);
      expect(real.code).toBe(1);
      expect(real.stderr).toMatch(/bad\.md:4: the front matter is not valid YAML/);
      expect(real.stderr).toContain("nothing imported from this file");
      expect(real.stdout).toContain("created /articles/a-good-one");
      const titles = (await t.db.selectFrom("articles").select("title").execute()).map((r) => r.title);
      expect(titles).toEqual(["A Good One"]);

      const again = await cli(["--dry-run", good]);
      expect(again.stdout).toContain("would update /articles/a-good-one");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
