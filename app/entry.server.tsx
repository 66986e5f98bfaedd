// Remix's Node entry, rendered whole and sent as one buffer, plus one thing: the
// server-rendered HTML a loader handed over for this document (context.fragments,
// see app/components/ServerHtml.tsx) is made available to the render.
//
// Why not stream: Assay's pages defer nothing (no <Suspense>, no defer()), so the
// shell is the whole document and streaming it only cut it into many small chunks,
// each crossing a web stream, gzip and the socket on its own. One buffer costs far
// less CPU per page, and the status can still change on a late render error.
import { Writable } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { ServerFragments } from "~/lib/server-fragments";

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const chunks: Buffer[] = [];
    const document = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
      final(done) {
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: responseStatusCode }));
        done();
      },
    });
    const { pipe, abort } = renderToPipeableStream(
      <ServerFragments.Provider value={loadContext.fragments ?? null}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
      </ServerFragments.Provider>,
      {
        onShellReady() {
          shellRendered = true;
        },
        onAllReady() {
          pipe(document);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors in the shell are logged by Remix; later ones only here.
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY).unref();
  });
}
