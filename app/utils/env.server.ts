import { z } from "zod";

// Validated once at boot (scripts/start.ts calls getEnv() before anything
// else) so that a typo in configuration fails loudly instead of half-working.
const schema = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().url().optional(),
  MEILI_URL: z.string().url().optional(),
  MEILI_MASTER_KEY: z.string().optional(),
  // Prefix for every Meilisearch index name: tests give each worker its own.
  MEILI_INDEX_PREFIX: z.string().regex(/^[a-zA-Z0-9_]*$/).default(""),
  QIAO_DATA_DIR: z.string().default(".data"),
  QIAO_DEMO: z.enum(["on", "off"]).optional(),
  // Public origin(s) accepted by the Origin check, comma separated; defaults to the request's own host.
  QIAO_ORIGIN: z.string().optional(),
  QIAO_SECURE_COOKIES: z.enum(["on", "off"]).optional(),
  QIAO_LOG: z.enum(["silent", "info", "debug"]).default("info"),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** Forget the cached env (tests change process.env between runs). */
export function resetEnvCache() {
  cached = undefined;
}
