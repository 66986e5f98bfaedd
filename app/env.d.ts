/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />
import type { DB } from "../db/connection";

declare module "@remix-run/node" {
  // What scripts/server.ts hands every loader and action.
  interface AppLoadContext {
    db: DB;
    /** The client's address (from the proxy when TRUST_PROXY is set). Only ever stored hashed. */
    clientIp: string;
  }
}
