// Several app instances on one database, as behind a load balancer: two production
// servers (two processes, two ports) on this file's database, written through one
// and read through the other; and WEB_CONCURRENCY=2, two web processes on one port.
import http from "node:http";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "~/models/users.server";
import { request, startAppServer, type AppServer } from "../support/app-server";
import { useTestDatabase } from "../support/db";
import { createArticle } from "../support/factories";
import { eventually } from "../support/processes";

// Not emptied between tests: the servers keep the secrets they read from it (the
// cookie signing and IP hashing keys), as instances of a real site do.
const t = useTestDatabase({ truncateBetweenTests: false });
let a: AppServer;
let b: AppServer;

beforeAll(async () => {
  // Limits on (they are what is counted across instances); a cached page lives an hour
  // without a notice, so only PostgreSQL's NOTIFY can refresh B's copy within the test.
  const env = { ASSAY_RATE_LIMITS: "on", ASSAY_CACHE_TTL: "3600" };
  [a, b] = await Promise.all([startAppServer(t.url, env), startAppServer(t.url, env)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const firstCookie = (setCookie: string | string[] | undefined) => [setCookie ?? []].flat()[0]?.split(";")[0] ?? "";

function post(server: AppServer, path: string, fields: Record<string, string>, cookie = "") {
  return request(server.base, {
    path,
    body: form(fields),
    headers: { Origin: server.base, "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
  });
}

const get = (server: AppServer, path: string, cookie = "") => request(server.base, { path, headers: cookie ? { Cookie: cookie } : {} });

async function logIn(server: AppServer, email: string, password: string): Promise<string> {
  const response = await post(server, "/login", { email, password, redirectTo: "/" });
  expect(response.status, response.text).toBe(303);
  return firstCookie(response.headers["set-cookie"]);
}

async function account(role: "member" | "moderator", name: string) {
  const email = `${role}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const password = "a long enough password";
  const created = await createUser(t.db, { email, displayName: name, password, role, emailVerified: true });
  if (!created.ok) throw new Error("could not create the account");
  return { email, password };
}

function postGuestComment(server: AppServer, slug: string, body: string, email: string) {
  return post(server, `/articles/${slug}`, { comment: body, author: "Newcomer", email, url: "", comment_parent: "0" });
}

describe("two instances on one database", () => {
  it("drop a guest page cached on B when a comment is approved through A", async () => {
    const article = await createArticle(t.db);
    const body = `Held first, approved through A ${Date.now()}`;
    expect((await postGuestComment(a, article.slug, body, `first-timer-${Date.now()}@example.com`)).status).toBe(303);
    const comment = await t.db.selectFrom("comments").select(["id", "status"]).where("body_markdown", "=", body).executeTakeFirstOrThrow();
    expect(comment.status).toBe("pending");

    // B keeps the guest page (a shared, cacheable answer), without the held comment.
    for (let i = 0; i < 2; i++) {
      const cached = await get(b, `/articles/${article.slug}`);
      expect(cached.status).toBe(200);
      expect(cached.headers.etag).toBeTruthy();
      expect(cached.headers["cache-control"]).toMatch(/^public/);
      expect(cached.text).not.toContain(body);
    }

    const moderator = await account("moderator", "Mona Moderator");
    const cookie = await logIn(a, moderator.email, moderator.password);
    const approved = await post(a, "/moderation?index", { intent: "approve", comment: `${comment.id}:pending`, returnTo: "/moderation" }, cookie);
    expect([200, 303]).toContain(approved.status);
    expect((await t.db.selectFrom("comments").select("status").where("id", "=", comment.id).executeTakeFirstOrThrow()).status).toBe("approved");

    await eventually(async () => (await get(b, `/articles/${article.slug}`)).text.includes(body), "B's cached page shows the comment approved through A", 20_000);
  });

  it("share sessions: logged in on A is recognised on B, logged out on B is out on A", async () => {
    const member = await account("member", "Sam Sessions");
    const cookie = await logIn(a, member.email, member.password);
    expect(cookie).toMatch(/^assay_session=/);

    const onB = await get(b, "/account", cookie);
    expect(onB.status).toBe(200);
    expect(onB.text).toContain("Sam Sessions");
    // Without the cookie B sends a guest to log in.
    expect((await get(b, "/account")).status).toBeGreaterThanOrEqual(300);
    expect((await get(b, "/account")).status).toBeLessThan(400);

    expect((await post(b, "/logout", { redirectTo: "/" }, cookie)).status).toBe(303);
    const onA = await get(a, "/account", cookie);
    expect(onA.status).toBeGreaterThanOrEqual(300);
    expect(onA.status).toBeLessThan(400);
    expect(onA.text).not.toContain("Sam Sessions");
  });

  it("count rate limits across both: ten failed log-ins split between A and B refuse the eleventh", async () => {
    const member = await account("member", "Rita Ratelimit");
    for (let i = 0; i < 10; i++) {
      const server = i % 2 === 0 ? a : b;
      const failed = await post(server, "/login", { email: member.email, password: `not the password ${i}`, redirectTo: "/" });
      expect(failed.status, `attempt ${i + 1} on ${server === a ? "A" : "B"}`).toBe(400);
    }
    // Five failures each: neither instance alone has seen ten, together they have.
    for (const server of [a, b]) {
      const refused = await post(server, "/login", { email: member.email, password: member.password, redirectTo: "/" });
      expect(refused.status).toBe(429);
      expect(refused.headers["retry-after"]).toBeTruthy();
    }
  });

  it("show a held comment posted on A to its author on B, and to nobody else", async () => {
    const article = await createArticle(t.db);
    const body = `Held on A, seen by its author on B ${Date.now()}`;
    const posted = await postGuestComment(a, article.slug, body, `held-author-${Date.now()}@example.com`);
    expect(posted.status).toBe(303);
    const cookie = firstCookie(posted.headers["set-cookie"]);
    expect(cookie).toMatch(/^assay_held=/);

    const mine = await get(b, `/articles/${article.slug}`, cookie);
    expect(mine.text).toContain(body);
    expect(mine.text).toContain("Your comment is awaiting moderation.");
    expect(mine.headers["cache-control"]).toBe("private, no-store");
    const theirs = await get(b, `/articles/${article.slug}`);
    expect(theirs.text).not.toContain(body);
    expect(theirs.text).not.toContain("awaiting moderation");
  });
});

/** Pids of a process's children (Linux). */
const childrenOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);

/** Inodes of the established IPv4 TCP connections to `port` on this machine. */
function connectionsTo(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const localPort = Number.parseInt(fields[1]!.split(":")[1]!, 16);
    if (localPort === port && fields[3] === "01") inodes.add(fields[9]!);
  }
  return inodes;
}

/** How many of those connections a process holds open. */
function heldBy(pid: number, inodes: Set<string>): number {
  let held = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match && inodes.has(match[1]!)) held++;
    } catch {
      // closed meanwhile
    }
  }
  return held;
}

describe("WEB_CONCURRENCY=2", () => {
  it("serves one port from two web processes besides the primary, and replaces one that dies", async () => {
    const server = await startAppServer(t.url, { WEB_CONCURRENCY: "2" });
    try {
      // The port answers as soon as the first web process listens; the line comes once both do.
      await eventually(() => /serving http:\/\/localhost:\d+ \(production, 2 web processes/.test(server.output()), "the primary says both serve", 30_000);
      const web = childrenOf(server.pid);
      expect(web).toHaveLength(2);
      expect(web).not.toContain(server.pid);

      // Six connections kept open: the primary hands them to its web processes in turn.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
      const fetchHome = () =>
        new Promise<number>((resolve, reject) => {
          http
            .get({ host: "127.0.0.1", port: server.port, path: "/", agent }, (res) => {
              res.resume();
              res.on("end", () => resolve(res.statusCode ?? 0));
            })
            .on("error", reject);
        });
      try {
        expect(await Promise.all(Array.from({ length: 6 }, fetchHome))).toEqual([200, 200, 200, 200, 200, 200]);
        const open = connectionsTo(server.port);
        const held = web.map((pid) => heldBy(pid, open));
        expect(held.every((n) => n > 0), `connections held by ${web.join(", ")}: ${held.join(", ")}`).toBe(true);
      } finally {
        agent.destroy();
      }

      // A web process that dies is replaced; the port keeps answering.
      process.kill(web[0]!, "SIGKILL");
      await eventually(() => {
        const now = childrenOf(server.pid);
        return now.length === 2 && !now.includes(web[0]!);
      }, "the primary started another web process");
      await eventually(async () => (await get(server, "/").catch(() => ({ status: 0 }))).status === 200, "the port answers");
      expect(server.output()).toMatch(new RegExp(`web process ${web[0]} exited by SIGKILL; starting another`));
    } finally {
      await server.stop();
    }
    expect(server.output()).toMatch(/SIGTERM: shutting down/);
  });
});
