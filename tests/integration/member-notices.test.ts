// Migration 0016: every change to what an instance remembers of a member's session
// (sessions, the account, ignores, notifications, thread watches) sends NOTIFY
// assay_members with the members concerned, once per statement, '*' when a table is
// emptied; and MemberMemo drops exactly those members' entries.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemberMemo } from "~/composition/member-memo.server";
import { createUser } from "~/models/users.server";
import { MEMBER_CHANNEL } from "~/lib/tagged-cache";
import { useTestDatabase } from "../support/db";
import { createArticle, createComment } from "../support/factories";

const t = useTestDatabase({ truncateBetweenTests: false });
let listener: pg.Client;
const heard: string[] = [];

beforeAll(async () => {
  listener = new pg.Client({ connectionString: t.url });
  await listener.connect();
  listener.on("notification", (m) => {
    if (m.channel === MEMBER_CHANNEL) heard.push(m.payload ?? "");
  });
  await listener.query(`listen ${MEMBER_CHANNEL}`);
});

afterAll(async () => {
  await listener?.end();
});

/** The notices a change sends (they arrive after its commit). */
async function noticesOf(change: () => Promise<unknown>): Promise<string[]> {
  heard.length = 0;
  await change();
  // A round trip on the listening connection: every notice committed before it has arrived.
  await listener.query("select 1");
  return [...heard];
}

async function member(name: string) {
  const created = await createUser(t.db, { email: `${name}@member-notices.example`, displayName: name, password: "a long enough password" });
  if (!created.ok) throw new Error("no user");
  return created.userId!;
}

describe("notices about members", () => {
  it("names the member on every change that a remembered session shows, once per statement", async () => {
    const [ana, bo] = [await member("ana"), await member("bo")];
    const { id: articleId } = await createArticle(t.db);
    const { commentId } = await createComment(t.db, articleId);
    const cases: [string, () => Promise<unknown>, string[]][] = [
      ["a renamed member", () => t.db.updateTable("users").set({ display_name: "Ana B" }).where("id", "=", ana).execute(), [`${ana}`]],
      [
        "a session begun and ended",
        async () => {
          await t.db.insertInto("sessions").values({ id: "h-ana", user_id: ana, expires_at: new Date(Date.now() + 86_400_000), user_agent: "" }).execute();
          await t.db.deleteFrom("sessions").where("id", "=", "h-ana").execute();
        },
        [`${ana}`, `${ana}`],
      ],
      ["an ignore", () => t.db.insertInto("member_ignores").values({ user_id: bo, ignored_user_id: ana }).execute(), [`${bo}`]],
      ["a watch", () => t.db.insertInto("thread_watches").values({ user_id: bo, article_id: articleId }).execute(), [`${bo}`]],
      [
        "two members' notifications in one statement",
        () =>
          t.db
            .insertInto("notifications")
            .values([
              { user_id: ana, kind: "reply", article_id: articleId, comment_id: commentId },
              { user_id: bo, kind: "reply", article_id: articleId, comment_id: commentId },
            ])
            .execute(),
        [[ana, bo].sort((x, y) => String(x).localeCompare(String(y))).join(",")],
      ],
      ["notifications read", () => t.db.updateTable("notifications").set({ read_at: new Date() }).where("user_id", "=", bo).execute(), [`${bo}`]],
      ["a watch ended", () => t.db.deleteFrom("thread_watches").where("user_id", "=", bo).execute(), [`${bo}`]],
      ["a statement that changes nothing", () => t.db.deleteFrom("thread_watches").where("user_id", "=", bo).execute(), []],
      ["an emptied table", () => t.db.deleteFrom("member_ignores").execute().then(() => import("kysely").then(({ sql }) => sql`truncate member_ignores`.execute(t.db))), [`${bo}`, "*"]],
    ];
    for (const [label, change, expected] of cases) expect([label, await noticesOf(change)]).toEqual([label, expected]);
  });

  it("drops what is remembered of the members a notice names, and everything on '*'", () => {
    const memo = new MemberMemo();
    const entry = (id: number) => ({
      user: { id, displayName: `M${id}`, role: "member" as const, emailVerified: true, ignoredUserIds: [], unreadNotifications: 0 },
      follow: { watchingThread: false, notifyRepliesDefault: true },
      sessionExpiresAt: Date.now() + 20 * 86_400_000,
    });
    const [k1, k2] = [MemberMemo.key("token-one-aaaaaaaa", "a"), MemberMemo.key("token-two-bbbbbbbb", "a")];
    memo.store(memo.begin(), k1, entry(1));
    memo.store(memo.begin(), k2, entry(2));
    memo.applyNotification("1");
    expect([memo.get(k1), memo.get(k2)?.user.id]).toEqual([undefined, 2]);
    // A read begun before a notice about its member is not kept.
    const ticket = memo.begin();
    memo.applyNotification("1");
    memo.store(ticket, k1, entry(1));
    expect(memo.get(k1)).toBeUndefined();
    memo.forgetSession("token-two-bbbbbbbb");
    expect(memo.get(k2)).toBeUndefined();
    memo.store(memo.begin(), k2, entry(2));
    memo.applyNotification("*");
    expect(memo.get(k2)).toBeUndefined();
  });
});
