import { randomBytes } from "node:crypto";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export type HttpOptions = {
  /** Resolves the current server build (re-imported on change in dev). */
  getBuild: () => Promise<ServerBuild>;
  mode: "production" | "development" | "test";
  publicDir: string;
  /** Extra accepted origins for the Origin check (QIAO_ORIGIN, comma separated). */
  origins?: string[];
  /** Requests per minute per IP; mutations have a fifth of it. */
  rateLimitPerMinute?: number;
  health?: () => Promise<Record<string, unknown>>;
};

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function wantsEnglish(req: Request) {
  return /(?:^|;\s*)lng=en\b/.test(req.headers.cookie ?? "");
}

function plain(res: Response, status: number, zh: string, en: string, req: Request) {
  res.status(status).type("text/plain; charset=utf-8").send(wantsEnglish(req) ? en : zh);
}

/**
 * Every non-GET request must come from our own pages: its Origin (or, when a
 * browser sends none, its Sec-Fetch-Site) must match this server. Requests
 * with neither header come from non-browser clients (curl, the CLI), which
 * carry no ambient cookies a forger could ride on.
 */
export function originCheck(extraOrigins: string[] = []) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get("origin");
    const own = `${req.protocol}://${req.get("host")}`;
    if (origin) {
      if (origin === own || extraOrigins.includes(origin)) return next();
      return plain(res, 403, "请求来源不受信任（Origin 校验失败）。", "Forbidden: the request's Origin is not this site.", req);
    }
    const site = req.get("sec-fetch-site");
    if (site && site !== "same-origin" && site !== "none") {
      return plain(res, 403, "请求来源不受信任。", "Forbidden: cross-site request.", req);
    }
    next();
  };
}

export function rateLimit(perMinute: number) {
  const all = new RateLimiterMemory({ points: perMinute, duration: 60, keyPrefix: "all" });
  const writes = new RateLimiterMemory({ points: Math.max(10, Math.floor(perMinute / 5)), duration: 60, keyPrefix: "w" });
  return async (req: Request, res: Response, next: NextFunction) => {
    // Static assets are cheap and fingerprinted; counting them would punish page loads.
    if (req.path.startsWith("/build/") || req.path === "/favicon.ico") return next();
    const key = req.ip ?? "unknown";
    try {
      await all.consume(key);
      if (!SAFE_METHODS.has(req.method)) await writes.consume(key);
      next();
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        res.set("Retry-After", String(Math.ceil(error.msBeforeNext / 1000)));
        return plain(res, 429, "请求过于频繁，请稍后再试。", "Too many requests, please try again shortly.", req);
      }
      next(error);
    }
  };
}

export function createHttpApp(opts: HttpOptions) {
  const app = express();
  app.disable("x-powered-by");
  // Behind a reverse proxy set QIAO_TRUST_PROXY (e.g. "1") so req.ip/protocol are the client's.
  if (process.env.QIAO_TRUST_PROXY) app.set("trust proxy", process.env.QIAO_TRUST_PROXY);

  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  });
  const production = opts.mode === "production";
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          "script-src": ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
          // Mantine sets style attributes at run time.
          "style-src": ["'self'", "'unsafe-inline'"],
          "img-src": ["'self'", "data:", "blob:"],
          "connect-src": production ? ["'self'"] : ["'self'", "ws:"],
          // The embedded default serves plain http on localhost; a TLS proxy adds this itself.
          "upgrade-insecure-requests": null,
        },
      },
      strictTransportSecurity: false,
      // helmet's default `no-referrer` makes Chromium send `Origin: null` on
      // same-site form posts, which the Origin check must refuse.
      referrerPolicy: { policy: "same-origin" },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(compression());
  app.use(rateLimit(opts.rateLimitPerMinute ?? 1200));
  app.use(originCheck(opts.origins));

  app.use("/build", express.static(path.join(opts.publicDir, "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(opts.publicDir, { maxAge: "1h" }));

  app.get("/healthz", async (_req, res) => {
    const details = (await opts.health?.()) ?? {};
    const ok = Object.values(details).every((v) => !(v && typeof v === "object" && "ok" in v && v.ok === false));
    res.status(ok ? 200 : 503).json({ ok, ...details });
  });

  // One request handler per build (dev re-imports the build when it changes).
  const handlers = new WeakMap<ServerBuild, ReturnType<typeof createRequestHandler>>();
  app.all("*", async (req, res, next) => {
    try {
      const build = await opts.getBuild();
      let handler = handlers.get(build);
      if (!handler) {
        handler = createRequestHandler({
          build,
          mode: opts.mode,
          // clientIp feeds the per-IP login limit (app/utils/auth.server.ts); set QIAO_TRUST_PROXY behind a proxy.
          getLoadContext: (req, res) => ({ cspNonce: String(res.locals.cspNonce), clientIp: req.ip ?? null }),
        });
        handlers.set(build, handler);
      }
      return handler(req, res, next);
    } catch (error) {
      next(error);
    }
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    console.error(error);
    if (!res.headersSent) plain(res, 500, "服务器出错了，请稍后再试。", "Something went wrong on the server.", req);
  });
  return app;
}
