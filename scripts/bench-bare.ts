// The limit for a Node process on this machine: a bare `node:http` server that
// answers every request with the same bytes (status, headers, body) the app sent
// for a page. `npm run bench` starts it in its own process and loads it exactly
// as it loads the app. Usage: tsx scripts/bench-bare.ts PORT RESPONSE.json
// (RESPONSE.json: { "headers": {…}, "bodyBase64": "…" }). Listens on 127.0.0.1 only.
import { readFileSync } from "node:fs";
import http from "node:http";

const [portText, file] = process.argv.slice(2);
const response = JSON.parse(readFileSync(file!, "utf8")) as { headers: Record<string, string>; bodyBase64: string };
const body = Buffer.from(response.bodyBase64, "base64");
const headers = { ...response.headers, "content-length": String(body.length) };

const server = http.createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 5000;
server.listen(Number(portText), "127.0.0.1", () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
