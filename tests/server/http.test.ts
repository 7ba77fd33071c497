import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApp } from "../../scripts/lib/http";

// A one-route server build: enough to exercise the Express layer in front of Remix.
const build: ServerBuild = {
  mode: "production",
  entry: {
    module: {
      default: async () => new Response("<html><body>ok</body></html>", { headers: { "Content-Type": "text/html" } }),
    },
  },
  routes: {
    root: {
      id: "root",
      path: "",
      module: {
        default: () => null,
        action: async () => new Response("posted"),
        loader: async () => new Response("loaded"),
      },
    },
  },
  assets: { entry: { module: "", imports: [] }, routes: {}, url: "", version: "1" },
  publicPath: "/build/",
  assetsBuildDirectory: "public/build",
  future: {},
  isSpaMode: false,
  basename: undefined,
} as unknown as ServerBuild; // a hand-made stand-in for what `remix build` emits

let server: Server;
let base: string;

beforeAll(async () => {
  const app = createHttpApp({ getBuild: async () => build, mode: "test", publicDir: "/nonexistent", rateLimitPerMinute: 50 });
  server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("the Express layer", () => {
  it("sends security headers and a nonce-based CSP", async () => {
    const res = await fetch(`${base}/?_data=root`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(res.headers.get("x-powered-by")).toBeNull();
    // not helmet's no-referrer: with it Chromium posts forms with `Origin: null`
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
  });

  it("refuses a POST with a forged Origin (403), localized", async () => {
    const res = await fetch(`${base}/?index`, { method: "POST", headers: { Origin: "https://evil.example" }, body: "x=1" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("请求来源不受信任");
    const en = await fetch(`${base}/`, { method: "POST", headers: { Origin: "https://evil.example", Cookie: "lng=en" } });
    expect(await en.text()).toContain("Forbidden");
  });

  it("refuses a cross-site POST that carries no Origin but says so in Sec-Fetch-Site", async () => {
    const res = await fetch(`${base}/`, { method: "POST", headers: { "Sec-Fetch-Site": "cross-site" } });
    expect(res.status).toBe(403);
  });

  it("lets a same-origin POST through", async () => {
    const res = await fetch(`${base}/`, { method: "POST", headers: { Origin: base } });
    expect(res.status).not.toBe(403);
  });

  it("rate-limits one IP and says when to retry", async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 60 && !limited; i++) {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 429) limited = res;
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
