// Counts the SQL statements a request runs, for `npm run bench` and the tests that
// prove a page runs a fixed number of them whatever the thread's size (no N+1).
//
// A Kysely plugin sees every statement the app executes through Kysely (query
// builders and raw `sql` alike, inside transactions too) once its result is back;
// AsyncLocalStorage ties each statement to the request it ran for. The server turns
// it on only with ASSAY_QUERY_COUNT=1 and then reports the count in the response
// header `X-Assay-Queries`. Transaction control (BEGIN/COMMIT) is not counted.
import { AsyncLocalStorage } from "node:async_hooks";
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";

export interface QueryTally {
  count: number;
}

export const QUERY_COUNT_HEADER = "X-Assay-Queries";

const scope = new AsyncLocalStorage<QueryTally>();

/** Run `fn` with its own tally; every statement it (and what it awaits) runs is counted there. */
export function withQueryTally<T>(tally: QueryTally, fn: () => T): T {
  return scope.run(tally, fn);
}

export function currentQueryTally(): QueryTally | undefined {
  return scope.getStore();
}

export class QueryCountPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const tally = scope.getStore();
    if (tally) tally.count++;
    return args.result;
  }
}
