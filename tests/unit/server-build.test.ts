// The production build's guard: what the compiled server imports must be a production
// dependency, or an `npm ci --omit=dev` image would fail at its first request.
import { describe, expect, it } from "vitest";
import { missingProductionDependencies, SERVER_ENTRIES } from "../../scripts/build-server";
import { productionNodeFlags } from "../support/processes";

describe("the server build", () => {
  it("names each imported package that only development installs would have", () => {
    expect(missingProductionDependencies(["react", "kysely", "tsx", "@remix-run/dev", "@remix-run/node"])).toEqual(["@remix-run/dev", "tsx"]);
    expect(missingProductionDependencies(["pg", "graphile-worker"])).toEqual([]);
  });

  it("compiles the server, the worker and every database command, and what they start beside themselves", () => {
    for (const name of ["start", "worker", "migrate", "seed", "create-user", "import-articles", "import-wordpress", "import-disqus", "embedded-watchdog", "import-convert-worker.server"])
      expect(Object.keys(SERVER_ENTRIES)).toContain(name);
  });

  it("starts the server with the V8 heap bounded (README, Deployment)", () => {
    expect(productionNodeFlags()).toEqual(["--max-old-space-size=128", "--max-semi-space-size=8"]);
  });
});
