// HTML the server rendered (the thread), placed in the page as is.
//
// In a document, the loader hands the HTML over through the load context
// (`context.fragments`) and sends `null` in its data, so the page carries it once:
// the browser, hydrating, keeps what is already in the DOM. After a client-side
// navigation or revalidation, the loader data carries the HTML itself.
//
// Clicks on same-site links inside become client-side navigations, as Remix's
// <Link> would make them; without JavaScript they are ordinary links.
import { useNavigate } from "@remix-run/react";
import { useContext, useState, type MouseEvent } from "react";
import { ServerFragments } from "~/lib/server-fragments";

export function ServerHtml({ id, html, className }: { id: string; html: string | null; className?: string }) {
  const navigate = useNavigate();
  const fragments = useContext(ServerFragments);
  const [inPage] = useState(() => {
    if (html !== null) return "";
    if (fragments) return fragments.get(id) ?? "";
    return typeof document === "undefined" ? "" : (document.getElementById(id)?.innerHTML ?? "");
  });
  const content = html ?? inPage;
  if (!content) return null;

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element).closest?.("a");
    if (!anchor || !event.currentTarget.contains(anchor)) return;
    const href = anchor.getAttribute("href");
    if (!href || href.startsWith("#") || anchor.target || anchor.hasAttribute("download")) return;
    const url = new URL(anchor.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    event.preventDefault();
    navigate(`${url.pathname}${url.search}${url.hash}`);
  };
  // The handler only forwards clicks on the links inside, which keyboards reach as links.
  return <div id={id} className={className} onClick={onClick} dangerouslySetInnerHTML={{ __html: content }} />;
}
