// A worker thread of workerConverter (import-convert.server.ts): converts each item it is sent.
import { parentPort } from "node:worker_threads";
import { convertItem } from "./import-convert.server";

parentPort?.on("message", (message: { id: number; contentHtml: string; commentHtmls: string[] }) => {
  parentPort!.postMessage({ id: message.id, item: convertItem(message.contentHtml, message.commentHtmls) });
});
