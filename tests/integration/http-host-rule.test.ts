// The Host rule over HTTP, on the production server: no link that reaches
// another person (a reset link by mail, a cached page's share links and og:url)
// is built from a Host header the client chose.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "~/models/users.server";
import { useTestDatabase } from "../support/db";
import { createArticle } from "../support/factories";
import { request, startAppServer, type AppServer } from "../support/app-server";

const t = useTestDatabase();
const PUBLIC = "https://forum.example.test";
let plain: AppServer;
let proxied: AppServer;

beforeAll(async () => {
  [plain, proxied] = await Promise.all([startAppServer(t.url), startAppServer(t.url, { PUBLIC_ORIGINS: PUBLIC, TRUST_PROXY: "loopback" })]);
}, 120_000);

afterAll(async () => {
  await Promise.all([plain?.stop(), proxied?.stop()]);
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function member(email: string) {
  const created = await createUser(t.db, { email, displayName: "Victim", password: "a long enough password", emailVerified: true });
  if (!created.ok) throw new Error("user");
}

async function mailTo(email: string): Promise<string[]> {
  const rows = await t.db.selectFrom("outbox").select("text_body").where("to_address", "=", email).execute();
  return rows.map((r) => r.text_body);
}

function forgot(server: AppServer, email: string, headers: Record<string, string>) {
  return request(server.base, {
    path: "/forgot-password",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: form({ email }),
  });
}

describe("with no PUBLIC_ORIGINS", () => {
  it("refuses a password reset asked for under another Host, and mails no link there", async () => {
    await member("victim@example.com");
    const forged = await forgot(plain, "victim@example.com", { Host: "evil.example", Origin: "http://evil.example" });
    expect(forged.status).toBe(400);
    expect(forged.text).toContain("Unknown address");
    expect((await mailTo("victim@example.com")).join("\n")).not.toContain("evil.example");
  });

  it("mails links to its own origin, whatever X-Forwarded-Host says (no proxy is trusted)", async () => {
    await member("victim2@example.com");
    const response = await forgot(plain, "victim2@example.com", { Origin: plain.base, "X-Forwarded-Host": "evil.example" });
    expect(response.status).toBe(303);
    const [mail] = await mailTo("victim2@example.com");
    expect(mail).toMatch(new RegExp(`${plain.base.replace(/\./g, "\\.")}/reset-password\\?token=`));
    expect(mail).not.toContain("evil.example");
  });

  it("never keeps a page with links to a forged Host in the guest page cache", async () => {
    const article = await createArticle(t.db, { title: "Poison target" });
    const path = `/articles/${article.slug}`;
    // The forged requests come first, so that theirs would be the page kept.
    const forged = await request(plain.base, { path, headers: { Host: "evil.example" } });
    expect(forged.status).toBe(400);
    const forwarded = await request(plain.base, { path, headers: { "X-Forwarded-Host": "evil.example:8080" } });
    expect(forwarded.status).toBe(200);
    expect(forwarded.text).not.toContain("evil.example");
    for (let i = 0; i < 2; i++) {
      const page = await request(plain.base, { path });
      expect(page.status).toBe(200);
      expect(page.headers.etag).toBeTruthy();
      expect(page.text).not.toContain("evil.example");
      expect(page.text).toContain(`<meta property="og:url" content="${plain.base}${path}"`);
      expect(page.text).toContain(encodeURIComponent(`${plain.base}${path}`));
    }
  });

  it("answers loopback names (a health check) but no other name", async () => {
    expect((await request(plain.base, { path: "/", headers: { Host: `localhost:${plain.port}` } })).status).toBe(200);
    for (const host of ["evil.example", "evil.example:80", "127.0.0.1.evil.example", "localhost.evil.example", "a b"]) {
      expect((await request(plain.base, { path: "/", headers: { Host: host } })).status, host).toBe(400);
    }
  });
});

describe("with PUBLIC_ORIGINS set (behind a proxy)", () => {
  it("reads the Host from a trusted proxy's X-Forwarded-Host, and refuses a name not configured there too", async () => {
    expect((await request(proxied.base, { path: "/", headers: { "X-Forwarded-Host": "forum.example.test" } })).status).toBe(200);
    expect((await request(proxied.base, { path: "/", headers: { "X-Forwarded-Host": "evil.example" } })).status).toBe(400);
  });

  it("sends HSTS over https only, never replayed from the page cache", async () => {
    const article = await createArticle(t.db, { title: "Over https" });
    const path = `/articles/${article.slug}`;
    const https = { Host: "forum.example.test", "X-Forwarded-Proto": "https" };
    const first = await request(proxied.base, { path, headers: https });
    expect(first.headers["strict-transport-security"]).toBe("max-age=31536000");
    const overHttp = await request(proxied.base, { path, headers: { Host: "forum.example.test" } });
    expect(overHttp.headers.etag).toBe(first.headers.etag);
    expect(overHttp.headers["strict-transport-security"]).toBeUndefined();
    expect((await request(proxied.base, { path, headers: https })).headers["strict-transport-security"]).toBe("max-age=31536000");
    expect((await request(proxied.base, { path: "/styles/assay.css", headers: https })).headers["strict-transport-security"]).toBe("max-age=31536000");
  });

  it("refuses another Host and mails links to the first public origin only", async () => {
    await member("victim3@example.com");
    const forged = await forgot(proxied, "victim3@example.com", { Host: "evil.example", Origin: "http://evil.example" });
    expect(forged.status).toBe(400);
    expect(await mailTo("victim3@example.com")).toEqual([]);

    // As a proxy that ends TLS sends it: the public name over http, the browser's https Origin.
    const ok = await forgot(proxied, "victim3@example.com", { Host: "forum.example.test", Origin: PUBLIC });
    expect(ok.status).toBe(303);
    const [mail] = await mailTo("victim3@example.com");
    expect(mail).toContain(`${PUBLIC}/reset-password?token=`);
  });

  it("takes a form from the public origin when the proxy passes another Host (no 500)", async () => {
    await member("victim5@example.com");
    const response = await forgot(proxied, "victim5@example.com", { Origin: PUBLIC });
    expect(response.status).toBe(303);
    expect((await mailTo("victim5@example.com"))[0]).toContain(`${PUBLIC}/reset-password?token=`);
  });

  it("compares the Origin of a POST by scheme, host and port", async () => {
    await member("victim4@example.com");
    for (const origin of ["https://forum.example.test:8443", "https://evil.example", "http://127.0.0.1"]) {
      expect((await forgot(proxied, "victim4@example.com", { Host: "forum.example.test", Origin: origin })).status, origin).toBe(403);
    }
    expect((await forgot(proxied, "victim4@example.com", { Host: "forum.example.test", Origin: `${PUBLIC}:443` })).status).toBe(303);
  });

  it("links pages to the public origin, even when reached by a loopback name", async () => {
    const article = await createArticle(t.db, { title: "Behind the proxy" });
    const page = await request(proxied.base, { path: `/articles/${article.slug}` });
    expect(page.text).toContain(`<meta property="og:url" content="${PUBLIC}/articles/${article.slug}"`);
    expect(page.text).not.toContain(proxied.base);
  });
});
