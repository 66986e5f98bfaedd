// Remix's Node entry, rendered to one string, plus one thing: the server-rendered
// HTML a loader handed over for this document (context.fragments, see
// app/components/ServerHtml.tsx) is made available to the render.
//
// Why not stream: Assay's pages defer nothing (no <Suspense>, no defer()), so the
// streamed shell was the whole document cut into React's small chunks, each
// crossing a web stream, gzip and the socket on its own. One string costs less CPU
// per page, and it is ordinary V8 heap: short-lived, collected young.
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { retryAfterHeaders } from "~/lib/database-unavailable.server";
import { documentCsp } from "~/lib/csp.server";
import { embedFrameAncestors } from "~/lib/embed-hosts.server";
import { isEmbeddable } from "~/lib/embed-route";
import { ServerFragments } from "~/lib/server-fragments";

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const html = renderToString(
    <ServerFragments.Provider value={loadContext.fragments ?? null}>
      <RemixServer context={remixContext} url={request.url} />
    </ServerFragments.Provider>,
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  // 503 is only ever "the database is away" (scripts/database-unavailable-http.ts):
  // the error page's route exports no headers, so the thrown response's are added here.
  if (responseStatusCode === 503) for (const [name, value] of Object.entries(retryAfterHeaders())) responseHeaders.set(name, value);
  // Inline script only as Remix wrote it here: this page's own hashes (see app/lib/csp.ts).
  // The embed alone may sit in the news sites' frames (EMBED_HOSTS); every other page, in none but ours.
  const frameAncestors = isEmbeddable(remixContext) ? embedFrameAncestors() : undefined;
  responseHeaders.set("Content-Security-Policy", documentCsp(html, { development: process.env.NODE_ENV === "development", frameAncestors }));
  // Bytes, not the string: a string body is first checked character by character for
  // lone surrogates (WebIDL's USVString) and then encoded; Buffer.from encodes once, to the same bytes.
  return new Response(Buffer.from(`<!DOCTYPE html>${html}`, "utf8"), { headers: responseHeaders, status: responseStatusCode });
}
