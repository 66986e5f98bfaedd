// Converting imported HTML (turndown, then our renderer and sanitiser) is most of
// an import's work. It can run in worker threads, beside the thread that reads
// the file and writes the database: the same functions, here or in a worker.
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { commentHtmlToMarkdown, postHtmlToMarkdown } from "./html-markdown.server";
import { renderCommentMarkdown } from "./markdown.server";
import { COMMENT_MAX_LENGTH } from "./validation";

export type ConvertedComment = { ok: true; markdown: string; html: string } | { ok: false; reason: string };

export interface ConvertedItem {
  bodyMarkdown: string;
  comments: ConvertedComment[];
}

/** A comment's HTML as our Markdown and its rendered, sanitised HTML; or why it cannot be a comment. */
export function convertComment(html: string): ConvertedComment {
  const markdown = commentHtmlToMarkdown(html);
  if (!markdown) return { ok: false, reason: "comments with no text" };
  if (markdown.length > COMMENT_MAX_LENGTH) return { ok: false, reason: `comments longer than ${COMMENT_MAX_LENGTH.toLocaleString("en-US")} characters` };
  return { ok: true, markdown, html: renderCommentMarkdown(markdown) };
}

export function convertItem(contentHtml: string, commentHtmls: string[]): ConvertedItem {
  return { bodyMarkdown: postHtmlToMarkdown(contentHtml), comments: commentHtmls.map(convertComment) };
}

export interface Converter {
  convertItem(contentHtml: string, commentHtmls: string[]): Promise<ConvertedItem>;
  close(): Promise<void>;
}

/** Conversion on this thread (tests, small files). */
export function inProcessConverter(): Converter {
  return {
    convertItem: async (contentHtml, commentHtmls) => convertItem(contentHtml, commentHtmls),
    close: async () => undefined,
  };
}

/** How many worker threads suit this machine: the cores but one (that one reads and writes), at least one. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * Conversion in `count` worker threads, items handed out in turn. The workers run
 * the module beside this one (the process's loader, e.g. tsx, is theirs too).
 */
export function workerConverter(count = defaultWorkerCount()): Converter {
  const url = new URL(import.meta.url.endsWith(".ts") ? "./import-convert-worker.server.ts" : "./import-convert-worker.server.js", import.meta.url);
  const waiting = new Map<number, { resolve: (item: ConvertedItem) => void; reject: (error: Error) => void }>();
  let failure: Error | null = null;
  // Run from TypeScript source (tsx): the worker registers tsx's loader first, since a
  // worker thread does not inherit the hooks of the thread that starts it.
  const fromSource = url.pathname.endsWith(".ts");
  const tsxApi = fromSource ? pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href : "";
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  const workers = Array.from({ length: count }, () => {
    // A small heap: the worker holds one item at a time, and the import's peak memory counts every thread.
    const resourceLimits = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };
    const worker = fromSource ? new Worker(bootstrap, { eval: true, resourceLimits }) : new Worker(url, { resourceLimits });
    worker.on("message", (message: { id: number; item: ConvertedItem }) => {
      waiting.get(message.id)?.resolve(message.item);
      waiting.delete(message.id);
    });
    worker.on("error", (error) => {
      failure = error;
      for (const w of waiting.values()) w.reject(error);
      waiting.clear();
    });
    return worker;
  });
  let next = 0;
  return {
    convertItem(contentHtml, commentHtmls) {
      if (failure) return Promise.reject(failure);
      const id = next++;
      return new Promise<ConvertedItem>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        workers[id % workers.length]!.postMessage({ id, contentHtml, commentHtmls });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
