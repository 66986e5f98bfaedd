// Bad input over HTTP, against the production server: each gets a clear 4xx,
// never a 500, and the server keeps answering. And every 429 says Retry-After.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveComment } from "~/models/moderation.server";
import { createUser } from "~/models/users.server";
import { formMessages } from "~/lib/forms.server";
import { commentMessages } from "~/lib/validation";
import { useTestDatabase } from "../support/db";
import { createArticle, createComment } from "../support/factories";
import { request, startAppServer, type AppServer, type RawRequest } from "../support/app-server";

const t = useTestDatabase({ truncateBetweenTests: false });
let server: AppServer;
let slug = "";
let commentId = 0;
let adminCookie = "";

beforeAll(async () => {
  server = await startAppServer(t.url);
  const article = await createArticle(t.db, { title: "Bad input target" });
  slug = article.slug;
  const comment = await createComment(t.db, article.id, { authorEmail: "regular@example.com", body: "An approved comment" });
  await approveComment(t.db, { commentId: comment.commentId });
  commentId = comment.commentId;
  const user = await createUser(t.db, { email: "member@example.com", displayName: "Member", password: "a long enough password", emailVerified: true });
  if (!user.ok) throw new Error("user");
  const admin = await createUser(t.db, { email: "admin@example.com", displayName: "Admin", password: "a long enough password", role: "admin", emailVerified: true });
  if (!admin.ok) throw new Error("admin");
  const login = await request(server.base, {
    method: "POST",
    path: "/login",
    headers: { ...urlencoded, Origin: server.base },
    body: "email=admin%40example.com&password=a+long+enough+password&redirectTo=%2F",
  });
  adminCookie = (login.headers["set-cookie"] ?? []).find((c) => c.startsWith("assay_session="))?.split(";")[0] ?? "";
  if (login.status !== 303 || !adminCookie.startsWith("assay_session=")) throw new Error(`admin log-in answered ${login.status}`);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const urlencoded = { "Content-Type": "application/x-www-form-urlencoded" };
const comment = (fields: Record<string, string>) =>
  new URLSearchParams({ comment: "A fine comment", author: "Ann", email: "ann@example.com", url: "", comment_parent: "0", ...fields }).toString();

function multipart(parts: { name: string; value: string; filename?: string }[], boundary = "assayBoundary42"): RawRequest["body"] {
  const lines = parts.map(
    (p) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"\r\nContent-Type: application/octet-stream` : ""}\r\n\r\n${p.value}\r\n`,
  );
  return `${lines.join("")}--${boundary}--\r\n`;
}

interface Case {
  name: string;
  request: () => RawRequest;
  status: number;
  /** Text the answer must contain. */
  says?: string[];
}

const article = () => `/articles/${slug}`;
const TWO_MB = "a".repeat(2 * 1024 * 1024);

const CASES: Case[] = [
  { name: "a comment id past 2^31", request: () => ({ path: "/comments/99999999999" }), status: 404, says: ["Page not found"] },
  { name: "a comment id that was never used", request: () => ({ path: "/comments/2147483000" }), status: 404, says: ["Page not found"] },
  { name: "a comment id of 2^31", request: () => ({ path: "/comments/2147483648" }), status: 404 },
  { name: "a report of a comment id past 2^31", request: () => ({ path: "/comments/99999999999/report" }), status: 404 },
  { name: "a member id past 2^31", request: () => ({ path: "/users/99999999999" }), status: 404 },
  { name: "replytocom past 2^31", request: () => ({ path: `${article()}?replytocom=99999999999` }), status: 200 },
  { name: "thread past 2^31", request: () => ({ path: `${article()}?thread=99999999999` }), status: 200 },
  { name: "a thread cursor with an id past 2^31", request: () => ({ path: `${article()}?after=2025-01-01T00:00:00Z~99999999999` }), status: 200 },
  { name: "a thread cursor on 30 February", request: () => ({ path: `${article()}?after=2025-02-30T00:00:00Z~1` }), status: 200 },
  { name: "a thread cursor in year 0", request: () => ({ path: `${article()}?after=0000-01-01T00:00:00Z~1` }), status: 200 },
  { name: "an article-list cursor with an id past 2^31", request: () => ({ path: "/?before=2025-01-01T00:00:00.000Z~99999999999" }), status: 200 },
  { name: "a category cursor that is junk", request: () => ({ path: "/categories/markets?before=%00" }), status: 404 },
  { name: "malformed percent-encoding in the path", request: () => ({ path: "/articles/%E0%A4%A" }), status: 400 },
  { name: "malformed percent-encoding in the query", request: () => ({ path: `${article()}?replytocom=%E0%A4%A` }), status: 200 },
  {
    name: "a reply to a comment id past 2^31",
    request: () => ({ path: article(), headers: urlencoded, body: comment({ comment_parent: "99999999999" }) }),
    status: 400,
    says: ["not on this article"],
  },
  {
    name: "a 2 MB comment: refused with the limit, everything typed kept",
    request: () => ({ path: article(), headers: urlencoded, body: comment({ comment: TWO_MB, author: "Kept Name", url: "https://kept.example.com" }) }),
    status: 400,
    says: [commentMessages.commentTooLong, "Comments can be at most 10,000 characters", TWO_MB, "Kept Name", "https://kept.example.com"],
  },
  {
    name: "a 20 MB form body: 413 from its length alone",
    request: () => ({ path: article(), headers: urlencoded, body: `comment=${"a".repeat(20 * 1024 * 1024)}`, holdBody: true }),
    status: 413,
  },
  {
    name: "a body of unknown length (chunked)",
    request: () => ({ path: article(), headers: { ...urlencoded, "Transfer-Encoding": "chunked" }, body: undefined, method: "POST" }),
    status: 411,
  },
  { name: "a NUL byte in the comment", request: () => ({ path: article(), headers: urlencoded, body: comment({ comment: "hi\u0000there" }) }), status: 400, says: [formMessages.badText] },
  { name: "a NUL byte in the name", request: () => ({ path: article(), headers: urlencoded, body: comment({ author: "A\u0000" }) }), status: 400, says: [formMessages.badText] },
  { name: "a NUL byte in a field name", request: () => ({ path: article(), headers: urlencoded, body: `${comment({})}&x%00y=1` }), status: 400 },
  {
    name: "invalid UTF-8 in the comment",
    request: () => ({ path: article(), headers: urlencoded, body: Buffer.concat([Buffer.from("comment=hi"), Buffer.from([0xff, 0xfe]), Buffer.from("&author=A&email=a%40b.co")]) }),
    status: 400,
    says: [formMessages.badText],
  },
  { name: "malformed percent-encoding in the body", request: () => ({ path: article(), headers: urlencoded, body: comment({}).replace("A+fine", "%E0%A4%A") }), status: 400 },
  { name: "a comment posted as JSON", request: () => ({ path: article(), headers: { "Content-Type": "application/json" }, body: '{"comment":"x"}' }), status: 415 },
  { name: "a comment with no content type", request: () => ({ path: article(), body: comment({}) }), status: 415 },
  {
    name: "a comment posted as multipart with a file",
    request: () => ({
      path: article(),
      headers: { "Content-Type": "multipart/form-data; boundary=assayBoundary42" },
      body: multipart([
        { name: "comment", value: "With a file" },
        { name: "author", value: "Ann" },
        { name: "email", value: "ann@example.com" },
        { name: "attachment", value: "\u0000binary", filename: "x.bin" },
      ]),
    }),
    status: 400,
    says: [formMessages.file],
  },
  {
    name: "multipart with a broken boundary",
    request: () => ({ path: article(), headers: { "Content-Type": "multipart/form-data; boundary=assayBoundary42" }, body: "--nope\r\n\r\nx" }),
    status: 400,
    says: [formMessages.unreadable],
  },
  { name: "a log-in posted as JSON", request: () => ({ path: "/login", headers: { "Content-Type": "application/json" }, body: '{"email":"x"}' }), status: 415 },
  { name: "a NUL byte in a log-in", request: () => ({ path: "/login", headers: urlencoded, body: "email=member%40example.com&password=a%00b" }), status: 400 },
  {
    name: "invalid UTF-8 in a sign-up",
    request: () => ({ path: "/signup", headers: urlencoded, body: Buffer.concat([Buffer.from("displayName=A"), Buffer.from([0xc3]), Buffer.from("&email=n%40example.com&password=long+enough+password")]) }),
    status: 400,
  },
  // Free-text filters of staff pages: PostgreSQL refuses a NUL in text.
  { name: "a NUL byte in the articles search", request: () => ({ path: "/admin/articles?q=a%00b", headers: { Cookie: adminCookie } }), status: 200 },
  { name: "a NUL byte in the moderation log's author filter", request: () => ({ path: "/moderation/log?author=a%00b", headers: { Cookie: adminCookie } }), status: 200 },
  {
    name: "an article's category id past 2^31",
    request: () => ({ path: "/admin/articles/new", headers: { ...urlencoded, Cookie: adminCookie }, body: "title=Ids&body=Text&intent=save&categoryIds=99999999999" }),
    status: 400,
  },
  { name: "a password reset posted as JSON", request: () => ({ path: "/forgot-password", headers: { "Content-Type": "application/json" }, body: "{}" }), status: 415 },
];

describe("bad input", () => {
  it.each(CASES)("$name: $status", async ({ request: make, status, says }) => {
    const options = make();
    const method = options.method ?? (options.body !== undefined ? "POST" : "GET");
    const headers = method === "POST" ? { Origin: server.base, ...options.headers } : options.headers;
    const response = await request(server.base, { ...options, method, headers });
    expect(response.status).toBe(status);
    for (const text of says ?? []) expect(response.text).toContain(text);
  });

  it("leaves the server answering, with no 500 in its log", async () => {
    const home = await request(server.base, { path: "/" });
    expect(home.status).toBe(200);
    expect(home.text).toContain("Bad input target");
    expect((await request(server.base, { path: `/comments/${commentId}` })).status).toBe(302);
    expect(server.output()).not.toMatch(/error code 22003|value .* is out of range|invalid byte sequence|Unexpected Server Error|URIError|unhandled error/i);
  });
});

describe("every 429 says when to try again", () => {
  it("the log-in limit, over HTTP", async () => {
    let last = await request(server.base, { path: "/login", headers: { ...urlencoded, Origin: server.base }, body: "email=member%40example.com&password=wrong+password+1" });
    for (let i = 0; i < 12 && last.status !== 429; i++) {
      last = await request(server.base, { path: "/login", headers: { ...urlencoded, Origin: server.base }, body: `email=member%40example.com&password=wrong+password+${i}` });
    }
    expect(last.status).toBe(429);
    expect(Number(last.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });

  it("the comment limit, over HTTP, with what was typed kept", async () => {
    let last = await request(server.base, { path: article(), headers: { ...urlencoded, Origin: server.base }, body: comment({ comment: "Rate 0" }) });
    for (let i = 1; i < 12 && last.status !== 429; i++) {
      last = await request(server.base, { path: article(), headers: { ...urlencoded, Origin: server.base }, body: comment({ comment: `Rate ${i} typed` }) });
    }
    expect(last.status).toBe(429);
    expect(Number(last.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(last.text).toContain("typed");
  });
});
