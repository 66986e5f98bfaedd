// For the bench: run a page's domain calls on a connection that records every
// statement under the name of the step that sent it, then EXPLAIN (ANALYZE) each
// on a client of its own, reporting the indexes it used and any sequential scan of
// a table that must never be read whole at scale.
import pg from "pg";
import { Kysely, PostgresDialect } from "kysely";
import type { Database } from "../db/schema";

export interface ExplainedStatement {
  /** The step that sent it. */
  name: string;
  sql: string;
  /** Big tables read whole (a Seq Scan of a tiny one is the right plan and is not listed). */
  seqScans: string[];
  indexes: string[];
  ms: number;
  plan: unknown;
}

/** Names the statements `fn` sends; statements sent outside any step (setup) are not explained. */
export type Step = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

function walkPlan(node: Record<string, unknown>, visit: (n: Record<string, unknown>) => void) {
  visit(node);
  for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walkPlan(child, visit);
}

export async function explainStatements(
  url: string,
  bigTables: readonly string[],
  run: (db: Kysely<Database>, step: Step) => Promise<void>,
): Promise<ExplainedStatement[]> {
  const captured: { name: string; sql: string; parameters: readonly unknown[] }[] = [];
  let current = "";
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // A dropped connection fails the next query rather than crashing the bench (idle or checked out).
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === "query" && current) captured.push({ name: current, sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  const step: Step = async (name, fn) => {
    current = name;
    try {
      return await fn();
    } finally {
      current = "";
    }
  };
  try {
    await run(db, step);
  } finally {
    await db.destroy();
  }
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  const out: ExplainedStatement[] = [];
  try {
    for (const q of captured) {
      const { rows } = await client.query(`explain (analyze, buffers, format json) ${q.sql}`, q.parameters as unknown[]);
      const plan = (rows[0]["QUERY PLAN"] as { Plan: Record<string, unknown>; "Execution Time": number }[])[0]!;
      const seqScans = new Set<string>();
      const indexes = new Set<string>();
      walkPlan(plan.Plan, (n) => {
        if (n["Node Type"] === "Seq Scan" && bigTables.includes(String(n["Relation Name"]))) seqScans.add(String(n["Relation Name"]));
        if (typeof n["Index Name"] === "string") indexes.add(n["Index Name"] as string);
      });
      out.push({
        name: q.name,
        sql: q.sql.replace(/\s+/g, " ").trim(),
        seqScans: [...seqScans],
        indexes: [...indexes],
        ms: Math.round(plan["Execution Time"] * 1000) / 1000,
        plan,
      });
    }
  } finally {
    await client.end();
  }
  return out;
}
