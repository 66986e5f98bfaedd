// zod, configured once for this app: without JIT. zod compiles object parsers
// with `new Function`, and in the browser merely probing for that is reported as
// a violation of our Content-Security-Policy (no 'unsafe-eval', see csp.server.ts).
// Every module that builds a schema imports z from here, so the setting comes
// first (schemas read it when they are built).
import { z } from "zod";

z.config({ jitless: true });

export { z };
