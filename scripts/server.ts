// The HTTP server: Express in front of Remix, with compression, static files and
// the origin check that every POST must pass.
import path from "node:path";
import { pathToFileURL } from "node:url";
import compression from "compression";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import type { DB } from "../db/connection";
import { allowedOriginsFromEnv, isSameOriginRequest } from "../app/lib/origin.server";

export const BUILD_PATH = path.resolve("build/index.js");

export async function loadBuild(): Promise<ServerBuild> {
  return (await import(`${pathToFileURL(BUILD_PATH).href}?t=${Date.now()}`)) as ServerBuild;
}

export function createApp(options: { db: DB; build: ServerBuild; mode: string }) {
  const app = express();
  app.disable("x-powered-by");
  // Behind a load balancer, TRUST_PROXY (e.g. "loopback" or "1") lets req.ip be the client's.
  if (process.env.TRUST_PROXY) app.set("trust proxy", process.env.TRUST_PROXY);
  app.use(compression());
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("X-Frame-Options", "SAMEORIGIN");
    next();
  });
  // Fingerprinted assets are immutable; the rest of public/ may change.
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));

  const allowedOrigins = allowedOriginsFromEnv();
  app.use((req, res, next) => {
    const ok = isSameOriginRequest({
      method: req.method,
      host: req.get("host"),
      origin: req.get("origin"),
      referer: req.get("referer"),
      allowedOrigins,
    });
    if (ok) return next();
    res
      .status(403)
      .type("html")
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Forbidden</title></head>` +
          `<body><main><h1>Forbidden</h1><p>This form was sent from another site, so it was refused. ` +
          `Go back to the page on this site and send it again.</p></main></body></html>`,
      );
  });

  app.all(
    "*",
    createRequestHandler({
      build: options.build,
      mode: options.mode,
      getLoadContext: (req) => ({ db: options.db, clientIp: req.ip ?? req.socket.remoteAddress ?? "" }),
    }),
  );
  return app;
}
