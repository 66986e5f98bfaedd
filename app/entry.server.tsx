// Remix's Node entry, rendered to one string, plus one thing: the server-rendered
// HTML a loader handed over for this document (context.fragments, see
// app/components/ServerHtml.tsx) goes in the page's bytes where React put its marker.
//
// Why not stream: Assay's pages defer nothing (no <Suspense>, no defer()), so the
// streamed shell was the whole document cut into React's small chunks, each
// crossing a web stream, gzip and the socket on its own. One string costs less CPU
// per page, and it is ordinary V8 heap: short-lived, collected young.
import { randomUUID } from "node:crypto";
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
  const fragments = loadContext.fragments ?? null;
  const markers = fragmentMarkers(fragments);
  const html = renderToString(
    <ServerFragments.Provider value={markers ?? fragments}>
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
  // The hashes are searched for in the page without its fragments: the thread is sanitized
  // HTML (no script) and the JSON-LD a data block (never hashed), so the policy is the same.
  responseHeaders.set("Content-Security-Policy", documentCsp(html, { development: process.env.NODE_ENV === "development", frameAncestors }));
  // Bytes, not the string: a string body is first checked character by character for
  // lone surrogates (WebIDL's USVString) and then encoded; Buffer.from encodes once, to the same bytes.
  const body = markers && fragments ? spliceFragments(`<!DOCTYPE html>${html}`, markers, fragments) : Buffer.from(`<!DOCTYPE html>${html}`, "utf8");
  return new Response(body, { headers: responseHeaders, status: responseStatusCode });
}

// The fragments (the thread, the JSON-LD: most of a 200-comment page) are not passed
// through React: it renders a marker where each goes, and the page's bytes are joined
// around them afterwards, so neither React's output nor the CSP's search holds them.
// The marker cannot come from anything else in the page: it is an HTML comment with a
// random name per process, and React escapes "<" in text and attributes while
// sanitized HTML keeps no comments.
const MARKER_NAME = `assay-fragment-${randomUUID()}`;

function fragmentMarkers(fragments: Map<string, string> | null): Map<string, string> | null {
  if (!fragments || fragments.size === 0) return null;
  const markers = new Map<string, string>();
  // An empty fragment renders nothing at all (ServerHtml, JsonLd): it keeps no marker.
  for (const [id, text] of fragments) if (text) markers.set(id, `<!--${MARKER_NAME}:${id}-->`);
  return markers.size > 0 ? markers : null;
}

function spliceFragments(page: string, markers: Map<string, string>, fragments: Map<string, string>): Buffer<ArrayBuffer> {
  const found: { at: number; marker: string; text: string }[] = [];
  for (const [id, marker] of markers) {
    const at = page.indexOf(marker);
    if (at !== -1) found.push({ at, marker, text: fragments.get(id)! });
  }
  found.sort((a, b) => a.at - b.at);
  const parts: Buffer[] = [];
  let from = 0;
  for (const { at, marker, text } of found) {
    parts.push(Buffer.from(page.slice(from, at), "utf8"), Buffer.from(text, "utf8"));
    from = at + marker.length;
  }
  parts.push(Buffer.from(page.slice(from), "utf8"));
  return Buffer.concat(parts);
}
