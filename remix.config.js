/** @type {import('@remix-run/dev').AppConfig} */
export default {
  // Classic compiler. The server bundle is ESM and leaves node_modules external,
  // so kysely, pg and friends load from node_modules at run time.
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  serverModuleFormat: "esm",
  serverPlatform: "node",
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: false,
  },
};
