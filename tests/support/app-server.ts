// The production server (build/server/start.js, as `npm run start:prod` runs it)
// on a free port against a test file's database, and plain HTTP requests to it
// that may say anything a client can (a forged Host, a body of any size or encoding).
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { freePort } from "../../db/embedded";
import { ensureBuild, ROOT as root, serverArgs } from "./processes";

export interface AppServer {
  readonly base: string;
  readonly port: number;
  /** The server process's pid (with WEB_CONCURRENCY > 1, the primary's). */
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

export async function startAppServer(databaseUrl: string, env: Record<string, string> = {}): Promise<AppServer> {
  await ensureBuild();
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(process.execPath, serverArgs(), {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: "127.0.0.1", ASSAY_SEED: "0", ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  };
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
    try {
      if ((await request(base, { path: "/" })).status < 500) return { base, port, pid: child.pid!, output: () => output, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`server did not start:\n${output}`);
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body as sent (still compressed, when it was). */
  bytes: Buffer;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /**
   * Send the headers alone and the body only if no answer came first (after a few
   * seconds): a server that refuses a body by its Content-Length answers without it.
   */
  holdBody?: boolean;
}

/** One HTTP/1.1 request; the answer is read even when the server stops reading the body early. */
export function request(base: string, options: RawRequest): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, "utf8");
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? (body ? "POST" : "GET"),
        path: options.path,
        headers: { ...(body ? { "Content-Length": String(body.length) } : {}), ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: bytes.toString("utf8"), bytes });
        });
        res.on("error", reject);
      },
    );
    // The server may answer before the whole body is sent (413) and then close: that
    // answer counts, and the rest of the body is not sent.
    let answered = false;
    req.on("response", () => (answered = true));
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (!body) return void req.end();
    if (options.holdBody) {
      req.flushHeaders();
      setTimeout(() => {
        if (answered) req.destroy();
        else req.end(body);
      }, 5_000).unref();
      return;
    }
    let offset = 0;
    const CHUNK = 64 * 1024;
    const pump = () => {
      while (offset < body.length && !answered) {
        const chunk = body.subarray(offset, offset + CHUNK);
        offset += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}
