/** @type {import('@remix-run/dev').AppConfig} */
export default {
  // Classic Remix compiler (not Vite): see docs/decisions/001-stack.md.
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  serverPlatform: "node",
  // Packages that are ESM-only must be bundled into the server build or
  // imported as-is; these are left external and loaded by Node at run time.
  serverDependenciesToBundle: [],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
