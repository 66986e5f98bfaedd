// Verified labels: administrators give Staff and Company representative (with the
// company and role); Author follows the article's byline. (The model only: the
// thread does not show them yet.)
import { describe, expect, it } from "vitest";
import { grantLabel, labelsOnArticle, labelText, revokeLabel } from "~/models/labels.server";
import { useTestDatabase } from "../support/db";
import { createArticle } from "../support/factories";
import { createPerson } from "../support/people";

const t = useTestDatabase();

describe("verified labels", () => {
  it("are given by administrators only, and read per article with Author from the byline", async () => {
    const admin = await createPerson(t.db, "admin");
    const editor = await createPerson(t.db, "editor");
    const rep = await createPerson(t.db, "member", "Jo Rep");
    const staff = await createPerson(t.db, "member", "Test desk");
    const plain = await createPerson(t.db);
    const lyc = await t.db.insertInto("tickers").values({ symbol: "LYC", exchange: "ASX", company_name: "Lynas Rare Earths" }).returning("id").executeTakeFirstOrThrow();
    // The factory's byline is "Test desk": that member is the article's author.
    const article = await createArticle(t.db);

    expect(await grantLabel(t.db, { adminId: editor.id, userId: rep.id, kind: "staff" })).toEqual({ ok: false, error: "not-allowed" });
    expect(await grantLabel(t.db, { adminId: admin.id, userId: rep.id, kind: "company-representative" })).toEqual({ ok: false, error: "not-found" });
    expect(await grantLabel(t.db, { adminId: admin.id, userId: rep.id, kind: "company-representative", tickerId: lyc.id, role: "Investor Relations" })).toEqual({ ok: true });
    expect(await grantLabel(t.db, { adminId: admin.id, userId: staff.id, kind: "staff" })).toEqual({ ok: true });
    expect(await grantLabel(t.db, { adminId: admin.id, userId: staff.id, kind: "staff" })).toEqual({ ok: true });

    const labels = await labelsOnArticle(t.db, article.id, [rep.id, staff.id, plain.id]);
    expect(labels.get(plain.id)).toBeUndefined();
    expect(labels.get(staff.id)).toEqual([{ kind: "author" }, { kind: "staff" }]);
    const repLabel = labels.get(rep.id)![0]!;
    expect(labelText(repLabel, [lyc.id])).toBe("Company representative — Lynas Rare Earths, Investor Relations");
    expect(labelText(repLabel, [])).toBe("Company representative");

    expect(await revokeLabel(t.db, { userId: staff.id, kind: "staff" })).toEqual({ changed: true });
    expect((await labelsOnArticle(t.db, article.id, [staff.id])).get(staff.id)).toEqual([{ kind: "author" }]);
  });
});
