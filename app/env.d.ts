/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />
import type { DB } from "../db/connection";
import type { ArticleViewCache } from "./composition/article-view-cache.server";
import type { ViewerTemplate } from "./lib/viewer-template";

declare module "@remix-run/node" {
  // What scripts/server.ts hands every loader and action.
  interface AppLoadContext {
    db: DB;
    /** The client's address (from the proxy when TRUST_PROXY is set). Only ever stored hashed. */
    clientIp: string;
    /** Articles with a page of their thread, rendered once for every reader (none: always rendered). */
    articleViews?: ArticleViewCache | null;
    /**
     * Server-rendered HTML for this document, by element id (see ServerHtml): a
     * loader puts big parts here so the page carries them once, not again in the
     * loader data. Null for data requests (?_data=), which carry them in the data.
     */
    fragments?: Map<string, string> | null;
    /** The canonical origin for absolute links (scripts/trusted-host.ts); never from the Host header. */
    publicOrigin?: string;
    /** Rendering a member page's template for this made-up member, not for whoever asked (app/composition/member-pages.server.ts). */
    viewerTemplate?: ViewerTemplate | null;
  }
}
