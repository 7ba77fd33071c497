import postgres from "postgres";

// The one postgres.js client of the process. Rows keep PostgreSQL's snake_case
// column names (no transform) so lucia's adapter and our queries agree.
// Created lazily: scripts/start.ts sets DATABASE_URL only once the embedded
// server is up, and tests set it per worker.

type Sql = postgres.Sql<{ bigint: number }>;

declare global {
  var __qiaoSql: Sql | undefined;
}

function create(): Sql {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (scripts/start.ts sets it in embedded mode)");
  return postgres(url, {
    max: Number(process.env.QIAO_DB_POOL ?? 10),
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: "qiao" },
    types: {
      // bigint ids and counts come back as JS numbers: ours stay far below 2^53.
      bigint: {
        to: 20,
        from: [20],
        serialize: (x: number | bigint) => x.toString(),
        parse: (x: string) => Number(x),
      },
    },
  });
}

function get(): Sql {
  if (!globalThis.__qiaoSql) globalThis.__qiaoSql = create();
  return globalThis.__qiaoSql;
}

// A callable proxy so callers write `sql\`...\`` and `sql.begin(...)` as in
// postgres.js's README while creation stays lazy.
export const sql: Sql = new Proxy(function () {} as unknown as Sql, {
  apply(_t, _this, args: unknown[]) {
    return Reflect.apply(get() as unknown as (...a: unknown[]) => unknown, undefined, args);
  },
  get(_t, prop) {
    const target = get() as unknown as Record<string | symbol, unknown>;
    const value = target[prop];
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
  },
});

export async function closeSql() {
  const s = globalThis.__qiaoSql;
  globalThis.__qiaoSql = undefined;
  if (s) await s.end({ timeout: 5 });
}
