// The HTTP server: Express in front of Remix, with the Host rule, security
// headers and a bound on body size first, then compression, static files and
// the origin check that every POST must pass.
import { readdirSync } from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { pathToFileURL } from "node:url";
import compression from "compression";
import express from "express";
import type { ServerBuild } from "@remix-run/node";
import type { DB } from "../db/connection";
import { allowedOriginsFromEnv, claimedOrigin, isSameOriginRequest } from "../app/lib/origin.server";
import { bodyLimit } from "./body-limit";
import { securityHeaders } from "./security-headers";
import { trustedHost } from "./trusted-host";
import { createPageCache, guestPages, type PageCache } from "../app/composition/page-cache.server";
import { createArticleViewCache, type ArticleViewCache } from "../app/composition/article-view-cache.server";
import { createMemberTemplateCache, memberPages, type MemberTemplateCache } from "../app/composition/member-pages.server";
import { MemberMemo } from "../app/composition/member-memo.server";
import { sessionTokenOf } from "../app/composition/session.server";
import { createRequestHandler, type AppLoadContext } from "@remix-run/node";
import { createRemixRequest } from "@remix-run/express/dist/server.js";
import { listenForPageInvalidations, type PageCacheListener } from "../app/lib/page-cache-listener.server";
import { QUERY_COUNT_HEADER, QueryCountPlugin, withQueryTally, type QueryTally } from "../app/lib/query-count.server";
import { withDatabaseUnavailablePages } from "./database-unavailable-http";

export const BUILD_PATH = path.resolve("build/index.js");

export async function loadBuild(): Promise<ServerBuild> {
  return (await import(`${pathToFileURL(BUILD_PATH).href}?t=${Date.now()}`)) as ServerBuild;
}

export interface Caches {
  /** Guests' whole pages (ASSAY_PAGE_CACHE=off: none). */
  pageCache: PageCache | null;
  /** Articles with their rendered thread pages, for every reader (ASSAY_VIEW_CACHE=off: none). */
  articleViews: ArticleViewCache | null;
  /** Members' article pages as templates (ASSAY_MEMBER_TEMPLATES=off: none; members' pages are then rendered in full). */
  memberTemplates: MemberTemplateCache | null;
  /** Members' sessions remembered between their article pages (with the templates; ASSAY_MEMBER_MEMO=off: none). */
  memberMemo: MemberMemo | null;
  /** The LISTEN connection that keeps them right. */
  listener: PageCacheListener;
}

/**
 * The in-memory caches, kept right by PostgreSQL's NOTIFY. Sizes in MB:
 * ASSAY_PAGE_CACHE_MB (32), ASSAY_VIEW_CACHE_MB (16; on the V8 heap, which the start command bounds),
 * ASSAY_MEMBER_TEMPLATE_MB (16); ASSAY_CACHE_TTL seconds (60) bounds how long anything lives without
 * a notice. Null when all are off.
 */
export function startCaches(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): Caches | null {
  const ttlMs = Number(env.ASSAY_CACHE_TTL ?? 60) * 1000;
  const pageCache = env.ASSAY_PAGE_CACHE === "off" ? null : createPageCache({ maxBytes: Number(env.ASSAY_PAGE_CACHE_MB ?? 32) * 2 ** 20, ttlMs });
  const articleViews =
    env.ASSAY_VIEW_CACHE === "off" ? null : createArticleViewCache({ maxBytes: Number(env.ASSAY_VIEW_CACHE_MB ?? 16) * 2 ** 20, ttlMs });
  const memberTemplates =
    env.ASSAY_MEMBER_TEMPLATES === "off" ? null : createMemberTemplateCache({ maxBytes: Number(env.ASSAY_MEMBER_TEMPLATE_MB ?? 16) * 2 ** 20, ttlMs });
  const memberMemo = memberTemplates && env.ASSAY_MEMBER_MEMO !== "off" ? new MemberMemo({ maxBytes: 4 * 2 ** 20, ttlMs }) : null;
  const caches = [pageCache, articleViews, memberTemplates].filter((c) => c !== null);
  if (caches.length === 0) return null;
  const listener = listenForPageInvalidations(databaseUrl, caches, { memberCaches: memberMemo ? [memberMemo] : [] });
  return { pageCache, articleViews, memberTemplates, memberMemo, listener };
}

export interface AppOptions {
  db: DB;
  build: ServerBuild;
  mode: string;
  /** Serve guests' pages from memory (see startCaches); none: every request renders. */
  pageCache?: PageCache | null;
  /** Share each article's rendered thread between readers (see startCaches). */
  articleViews?: ArticleViewCache | null;
  /** Serve members' article pages from templates (see startCaches). */
  memberTemplates?: MemberTemplateCache | null;
  /** Remember members' sessions between their article pages (see startCaches). */
  memberMemo?: MemberMemo | null;
  /** Count each request's SQL statements into the X-Assay-Queries header (ASSAY_QUERY_COUNT=1; the bench). */
  countQueries?: boolean;
}

/**
 * The names at the top of public/ (lower-cased, as Express matches mount paths), and
 * "build" even before the first build has made it. Read once at start: a file added
 * under a new top-level name needs a restart, as a new build does.
 */
export function publicTopLevelNames(dir: string): Set<string> {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // No public/ folder: only the build's assets, once built.
  }
  return new Set(["build", ...names.map((name) => name.toLowerCase())]);
}

/** The first segment of a path, decoded and lower-cased ("/Build/x.js" → "build"); "" for "/". */
export function topSegment(pathname: string): string {
  const end = pathname.indexOf("/", 1);
  const segment = pathname.slice(1, end === -1 ? undefined : end);
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

/** The List-Unsubscribe URL of our mail (app/routes/mail.unsubscribe_.one-click.tsx). */
export const ONE_CLICK_UNSUBSCRIBE_PATH = "/mail/unsubscribe/one-click";

export function createApp(options: AppOptions) {
  const app = express();
  app.disable("x-powered-by");
  // Behind a load balancer, TRUST_PROXY (e.g. "loopback" or "1") lets req.ip be the client's.
  if (process.env.TRUST_PROXY) app.set("trust proxy", process.env.TRUST_PROXY);
  const allowedOrigins = allowedOriginsFromEnv();

  // --- Host rule, security headers, body size: before anything else answers -----
  // (including the page cache). See scripts/trusted-host.ts, security-headers.ts
  // and body-limit.ts.
  app.use(securityHeaders());
  app.use(trustedHost(allowedOrigins));
  app.use(bodyLimit());
  // --- end of Host rule, security headers, body size ------------------------------

  // The guest page cache (app/composition/page-cache.server.ts). First of all: a
  // guest's page from memory costs no more than this.
  const memberTemplates = options.memberTemplates ?? null;
  const pages = guestPages(options.pageCache ?? null, {
    sharedMaxAgeSeconds: Number(process.env.ASSAY_CDN_MAX_AGE ?? 5),
    alsoForget: memberTemplates ? [memberTemplates] : [],
  });
  app.use(pages.serve);
  const countQueries = options.countQueries ?? process.env.ASSAY_QUERY_COUNT === "1";
  const db = countQueries ? options.db.withPlugin(new QueryCountPlugin()) : options.db;
  if (countQueries) {
    app.use((_req, res, next) => {
      const tally: QueryTally = { count: 0 };
      const writeHead = res.writeHead;
      res.writeHead = function (this: typeof res, ...args: unknown[]) {
        if (!res.headersSent) res.setHeader(QUERY_COUNT_HEADER, String(tally.count));
        return (writeHead as (...a: unknown[]) => typeof res).apply(this, args);
      } as typeof res.writeHead;
      withQueryTally(tally, () => next());
    });
  }
  // Members' article pages from their templates (app/composition/member-pages.server.ts);
  // compressed there, so before compression.
  const build = withDatabaseUnavailablePages(options.build);
  const loadContext = (req: express.Request, res: express.Response): AppLoadContext => ({
    db,
    clientIp: req.ip ?? req.socket.remoteAddress ?? "",
    articleViews: options.articleViews ?? null,
    // A document (not ?_data=): big server-rendered parts go in the page once, not again in its data.
    fragments: req.query._data === undefined ? new Map<string, string>() : null,
    // The canonical origin for absolute links (scripts/trusted-host.ts).
    publicOrigin: res.locals.publicOrigin as string,
  });
  if (memberTemplates) {
    const renderTemplate = createRequestHandler(build, options.mode);
    app.use(
      memberPages({
        db,
        cache: memberTemplates,
        memo: options.memberMemo ?? null,
        renderTemplate: (req, res, viewerTemplate) => {
          // The page as it would be for a guest with the same request, but for the made-up member.
          const request = createRemixRequest(req, res);
          const headers = new Headers(request.headers);
          for (const name of ["cookie", "if-none-match", "if-modified-since"]) headers.delete(name);
          return renderTemplate(new Request(request, { headers }), { ...loadContext(req, res), viewerTemplate });
        },
      }),
    );
  }
  // Files of public/, only for paths under its own top-level names: every page used to
  // cost a stat() of public/<path> that found nothing. Fingerprinted assets are
  // immutable; the rest of public/ may change. Files get compression's defaults (gzip 6,
  // brotli 4); everything else is rendered for one request (a member's page, data, a
  // page the page cache does not keep, which compresses what it keeps itself), so the
  // fastest levels: gzip at 6 was a tenth of a member page's CPU, for about a fifth fewer bytes.
  const files = express.Router();
  files.use(compression());
  files.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  files.use(express.static("public", { maxAge: "1h" }));
  const publicNames = publicTopLevelNames("public");
  const rendered = compression({ level: zlib.constants.Z_BEST_SPEED, brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } } });
  app.use((req, res, next) => (publicNames.has(topSegment(req.path)) ? files : rendered)(req, res, next));

  app.use((req, res, next) => {
    // The one exception: RFC 8058 one-click unsubscribe. Mail providers POST it
    // from their own servers with neither Origin nor Referer (nor a session); its
    // signed token is the whole authority and it can only reduce mail, so a
    // forged cross-site POST gains nothing. Exactly this path, nothing under it.
    if (req.method === "POST" && req.path === ONE_CLICK_UNSUBSCRIBE_PATH) return next();
    const ok = isSameOriginRequest({
      method: req.method,
      // Scheme, host and port, as the Host rule read them (scripts/trusted-host.ts).
      requestOrigin: res.locals.requestOrigin as string,
      origin: req.get("origin"),
      referer: req.get("referer"),
      allowedOrigins,
    });
    if (ok) {
      // Remix repeats a host-only form of this check on document POSTs (the Origin's
      // host against X-Forwarded-Host or Host) and answers 500 when a proxy passes
      // the public name in neither. This check is the stricter one: tell Remix the host it passed.
      const claimed = claimedOrigin({ origin: req.get("origin"), referer: req.get("referer") });
      if (claimed && req.method !== "GET" && req.method !== "HEAD") req.headers["x-forwarded-host"] = new URL(claimed).host;
      return next();
    }
    res
      .status(403)
      .type("html")
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Forbidden</title></head>` +
          `<body><main><h1>Forbidden</h1><p>This form was sent from another site, so it was refused. ` +
          `Go back to the page on this site and send it again.</p></main></body></html>`,
      );
  });

  // A member doing anything but read an article page: what this instance remembers of
  // their session goes first, so the pages after it show what they did (member-memo.server.ts).
  const memo = options.memberMemo;
  if (memo) {
    app.use((req, _res, next) => {
      const token = req.headers.cookie ? sessionTokenOf(db, req.headers.cookie) : null;
      if (token) memo.forgetSession(token);
      next();
    });
  }

  // Remix, through the page cache: it keeps guests' pages, and without it still sets
  // Cache-Control and keeps the routes' internal headers (cache-tags.ts) from the browser.
  app.all(
    "*",
    pages.remix({
      // The database away (a restart, a failover): 503 with Retry-After, not 500.
      build,
      mode: options.mode,
      getLoadContext: loadContext,
    }),
  );
  // Last: what Express itself refused (a path whose percent-encoding does not
  // decode, say) gets its 4xx as a short page, without a stack trace in the log;
  // anything else is a bug, logged, and a 500 that shows no internals.
  app.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
    const clientError = typeof status === "number" && status >= 400 && status < 500;
    if (!clientError) console.error("[assay] unhandled error:", error);
    const code = clientError ? status : 500;
    const [title, text] = clientError
      ? ["Bad request", "This address could not be read. Check it, or go back to the page you came from."]
      : ["Something went wrong", "The forum could not answer this request. Try again in a moment."];
    res
      .status(code)
      .type("html")
      .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1><p>${text}</p></main></body></html>`);
  });
  return app;
}
