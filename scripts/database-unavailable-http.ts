// While PostgreSQL is away (a restart, a failover, every connection cut) a request
// gets a 503 with Retry-After, never a 500 or a hang; the pool reconnects on the
// next query once the server is back (db/connection.ts).
//
// Every route's loader and action is wrapped: a database-unavailable error becomes
// a thrown 503 Response, which Remix sends as it is for ?_data= and resource routes,
// and renders with the root error page for documents (status 503, Retry-After added
// in app/entry.server.tsx). Nothing outside Remix touches the database.
import type { ServerBuild } from "@remix-run/node";
import { databaseUnavailableResponse, isDatabaseUnavailable } from "../app/lib/database-unavailable.server";

type Handler = (...args: never[]) => unknown;

/** One line per outage, not one per request: at most every `everyMs`, with the count since. */
export function outageLogger(log: (message: string) => void = console.error, everyMs = 5_000) {
  let last = 0;
  let unlogged = 0;
  return (error: unknown, where: string) => {
    const now = Date.now();
    if (now - last < everyMs) {
      unlogged += 1;
      return;
    }
    const since = unlogged ? ` (${unlogged} more since the last notice)` : "";
    last = now;
    unlogged = 0;
    log(`[assay] database unavailable, answering 503 (${where}): ${error instanceof Error ? error.message : String(error)}${since}`);
  };
}

function guard<F extends Handler>(fn: F, where: string, note: ReturnType<typeof outageLogger>): F {
  return (async (...args: Parameters<F>) => {
    try {
      return await fn(...args);
    } catch (error) {
      if (error instanceof Response || !isDatabaseUnavailable(error)) throw error;
      note(error, where);
      throw databaseUnavailableResponse();
    }
  }) as F;
}

/** The build with every loader and action answering 503 when the database cannot be reached. */
export function withDatabaseUnavailablePages(build: ServerBuild, note = outageLogger()): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const { loader, action } = route.module;
    routes[id] = {
      ...route,
      module: {
        ...route.module,
        ...(loader ? { loader: guard(loader, `${id} loader`, note) } : {}),
        ...(action ? { action: guard(action, `${id} action`, note) } : {}),
      },
    };
  }
  return { ...build, routes };
}
