// Structured data (JSON-LD) in the page, carried once. As with ServerHtml: in a
// document the loader hands the serialized JSON over through the load context and
// sends `null` in its data (it is as big as the thread's text), and the browser,
// hydrating, keeps the script already in the DOM; after a client-side navigation
// the loader data carries it. A data block, never run (and so not in the CSP's hashes).
import { useContext, useState } from "react";
import { ServerFragments, scriptSafeJson } from "~/lib/server-fragments";

export function JsonLd({ id, json }: { id: string; json: unknown }) {
  const fragments = useContext(ServerFragments);
  const [inPage] = useState(() => {
    if (json != null) return "";
    if (fragments) return fragments.get(id) ?? "";
    return typeof document === "undefined" ? "" : (document.getElementById(id)?.textContent ?? "");
  });
  const text = json != null ? scriptSafeJson(json) : inPage;
  if (!text) return null;
  return <script id={id} type="application/ld+json" dangerouslySetInnerHTML={{ __html: text }} />;
}
