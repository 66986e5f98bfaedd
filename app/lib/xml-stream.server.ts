// Reading a large XML export (WordPress WXR, Disqus) as a stream, with saxes: a
// real XML parser that holds only the chunk it reads and what the caller keeps.
// The caller builds its records from the parser's events; after every chunk the
// records finished so far are handed over, so the file is never in memory whole,
// and the import writes at the pace it reads.
import { createReadStream } from "node:fs";
import { SaxesParser, type SaxesTagPlain } from "saxes";

/** A malformed file, or one that is not the export it should be: where, and why. */
export class ExportFileError extends Error {
  constructor(
    readonly line: number,
    /** One-based, as editors count. */
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = "ExportFileError";
  }
}

export interface XmlHandlers {
  open(tag: SaxesTagPlain, path: readonly string[]): void;
  /** The text of the element just closed (its text and CDATA, concatenated), and its path. */
  close(name: string, text: string, path: readonly string[]): void;
}

export interface XmlPosition {
  line: number;
  column: number;
}

/**
 * Feed `file` through the parser chunk by chunk, yielding what `collect` returns
 * after each chunk (and at the end). Element text is gathered per element;
 * a container keeps only the whitespace between its children, so one long item body
 * is the largest thing held.
 */
export async function* streamXml<R>(
  file: string | NodeJS.ReadableStream,
  makeHandlers: (position: () => XmlPosition, fail: (reason: string) => never) => XmlHandlers,
  collect: () => R[],
): AsyncGenerator<R> {
  const parser = new SaxesParser<{ position: true; xmlns: false }>({ position: true, xmlns: false });
  const position = () => ({ line: parser.line, column: parser.column + 1 });
  const fail = (reason: string): never => {
    throw new ExportFileError(parser.line, parser.column + 1, reason);
  };
  const handlers = makeHandlers(position, fail);
  const path: string[] = [];
  // The text of each open element; only the innermost one's grows.
  const texts: string[] = [];
  let sawRoot = false;
  parser.on("error", (error) => {
    // saxes prefixes its messages with "line:column: ".
    const reason = error.message.replace(/^\d+:\d+:\s*/, "");
    throw new ExportFileError(parser.line, parser.column + 1, `not well-formed XML: ${reason}`);
  });
  parser.on("opentag", (tag) => {
    sawRoot = true;
    path.push(tag.name);
    texts.push("");
    handlers.open(tag, path);
  });
  const addText = (text: string) => {
    if (texts.length) texts[texts.length - 1] += text;
  };
  parser.on("text", addText);
  parser.on("cdata", addText);
  parser.on("closetag", (tag) => {
    const text = texts.pop() ?? "";
    handlers.close(tag.name, text, path);
    path.pop();
  });

  const stream = typeof file === "string" ? createReadStream(file, { encoding: "utf8", highWaterMark: 256 * 1024 }) : file;
  let first = true;
  for await (const chunk of stream as AsyncIterable<string | Buffer>) {
    let text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
    if (first) {
      text = text.replace(/^\uFEFF/, "");
      first = false;
    }
    parser.write(text);
    for (const record of collect()) yield record;
  }
  if (!sawRoot) fail("the file is empty: it has no XML element");
  parser.close();
  for (const record of collect()) yield record;
}
