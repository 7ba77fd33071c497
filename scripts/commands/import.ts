import { parseArgs } from "node:util";
import {
  applyImport,
  formatIssue,
  IMPORT_KINDS,
  importFilesFromPath,
  isImportKind,
  planImport,
  type ImportActor,
  type ImportCounts,
  type ImportIssue,
  type ImportPlan,
  type ImportProgress,
  type Locale,
} from "../../db/import/index.server";
import { migrateQueue } from "../../search/worker.server";
import { CliError, UsageError, type Command } from "./command";
import { withSql } from "./database";

const USAGE = `npm run qiao -- import <file-or-folder> [--kind ${IMPORT_KINDS.join("|")}] [--dry-run] [--json] [--all] [--as <email>] [--lang zh|en]

Imports technology needs, research results, experts or organizations from the demo JSON format
(an array of records per file), CSV (UTF-8 or GBK as saved by Chinese Excel) or XLSX, with Chinese
or English column headers (需求名称/title, 技术领域/field, 预算（万元）/budget, 发布单位/org …).
A folder imports as a whole, in dependency order: organizations → experts → needs → results.

Records are matched by their external ref (编号), or without one by organization + title (name):
re-importing a file updates what changed and creates no duplicates.

  --kind      what the file holds, when its headers do not say (default: inferred)
  --dry-run   only report what would be created / updated / unchanged / rejected, and why
  --json      print the plan (and the report) as JSON
  --all       list every row, not only rejected and updated ones
  --as        attribute the import to this user (default: the command line, no user)
  --lang      language of the messages (default zh)

Without --dry-run nothing is written if any row is rejected (exit 1); otherwise every row is
written in one transaction. Limits: 50,000 rows per file, 50 MB per CSV/JSON, 10 MB per XLSX.`;

// ---- a table that lines up with Chinese text (CJK characters are two columns wide) ----

function width(s: string) {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) ? 2 : 1;
  }
  return w;
}
function cut(s: string, max: number) {
  if (width(s) <= max) return s;
  let out = "";
  for (const ch of s) {
    if (width(out + ch) > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}
function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ""))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i] - width(c)))).join("  ").trimEnd()).join("\n") + "\n";
}

const ACTION_ZH = { created: "新建", updated: "更新", unchanged: "不变", rejected: "拒绝" } as const;

function countsLine(c: ImportCounts, locale: Locale) {
  return locale === "en"
    ? `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.rejected} rejected`
    : `新建 ${c.created}，更新 ${c.updated}，不变 ${c.unchanged}，拒绝 ${c.rejected}`;
}

export function renderPlan(plan: ImportPlan, opts: { locale: Locale; all: boolean; limit?: number }): string {
  const { locale } = opts;
  const msg = (i: ImportIssue) => formatIssue(i, locale);
  let out = "";
  for (const s of plan.sources) {
    const enc = s.encoding ? `, ${s.encoding} → UTF-8` : "";
    out += `${s.file}: ${s.kind}, ${s.rows} ${locale === "en" ? "rows" : "行"} (${s.format}${enc})\n`;
  }
  const fileIssues = plan.issues;
  if (fileIssues.length) {
    out += "\n";
    for (const i of fileIssues) out += `${i.severity === "error" ? "✗" : "!"} ${i.file ? `${i.file}: ` : ""}${msg(i)}\n`;
  }
  const head = locale === "en" ? ["file", "row", "ref", "action", "column", "reason"] : ["文件", "行", "编号", "结果", "列", "原因"];
  const lines: string[][] = [head];
  const limit = opts.limit ?? 1000;
  let hidden = 0;
  for (const r of plan.rows) {
    const listed = opts.all || r.action === "rejected" || r.action === "updated" || r.issues.length > 0;
    if (!listed) {
      hidden++;
      continue;
    }
    if (lines.length > limit) {
      hidden++;
      continue;
    }
    const action = locale === "en" ? r.action : ACTION_ZH[r.action];
    const first = [r.file, String(r.row), r.ref ?? String(r.values.ref ?? "—"), action];
    if (r.issues.length === 0) {
      lines.push([...first, r.changes.join(", "), ""]);
      continue;
    }
    r.issues.forEach((i, k) => {
      const lead = k === 0 ? first : ["", "", "", ""];
      lines.push([...lead, i.column ?? i.field ?? "", `${i.severity === "warning" ? "(!) " : ""}${cut(msg(i), 120)}`]);
    });
  }
  if (lines.length > 1) out += `\n${table(lines)}`;
  if (hidden > 0) {
    out += locale === "en" ? `… ${hidden} more rows not listed (--all lists them, --json gives everything)\n` : `… 另有 ${hidden} 行未列出（--all 列出全部，--json 输出完整结果）\n`;
  }
  out += "\n";
  for (const k of IMPORT_KINDS) {
    const c = plan.byKind[k];
    if (c.created + c.updated + c.unchanged + c.rejected > 0) out += `${k}: ${countsLine(c, locale)}\n`;
  }
  out += `${locale === "en" ? "total" : "合计"}: ${countsLine(plan.counts, locale)}\n`;
  return out;
}

/** Progress on stderr for long imports, at most once a second per phase. */
function progressPrinter(stderr: NodeJS.WriteStream) {
  let last = 0;
  let lastPhase = "";
  return (p: ImportProgress) => {
    const now = Date.now();
    const end = p.done === p.total;
    if (p.total < 2000 || (now - last < 1000 && !(end && p.phase !== lastPhase))) return;
    last = now;
    lastPhase = p.phase;
    const what = p.phase === "parse" ? "rows parsed" : p.phase === "check" ? `${p.kind}: checking` : `${p.kind}: rows written`;
    stderr.write(`  ${what} ${p.done.toLocaleString("en")}${p.phase === "parse" ? "" : `/${p.total.toLocaleString("en")}`}\n`);
  };
}

export const importCommand: Command = {
  name: "import",
  summary: "import needs, results, experts or organizations from JSON, CSV or XLSX (a file or a folder)",
  usage: USAGE,
  async run(argv, { stdout, stderr }) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        kind: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        all: { type: "boolean", default: false },
        as: { type: "string" },
        lang: { type: "string", default: "zh" },
      },
      strict: true,
      allowPositionals: true,
    });
    const [target, ...extra] = positionals;
    if (target === undefined) throw new UsageError("which file or folder?");
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (one file or folder at a time)`);
    if (values.kind !== undefined && !isImportKind(values.kind)) throw new UsageError(`--kind must be one of ${IMPORT_KINDS.join(", ")}`);
    if (values.lang !== "zh" && values.lang !== "en") throw new UsageError("--lang must be zh or en");
    const locale: Locale = values.lang === "en" ? "en" : "zh-CN";
    const kind = isImportKind(values.kind) ? values.kind : undefined;

    let files;
    try {
      files = await importFilesFromPath(target, kind);
    } catch (error) {
      const code = error instanceof Error && "code" in error ? String(error.code) : "";
      if (code === "ENOENT") throw new CliError(`no such file or folder: ${target}`);
      throw error;
    }
    if (files.length === 0) throw new CliError(`${target}: no .json, .csv or .xlsx files in this folder`);

    return withSql(async (sql) => {
      let actor: ImportActor = { id: null, role: "system" };
      if (values.as !== undefined) {
        const [u] = await sql<{ id: string; role: "admin" | "organizer" | "member" }[]>`
          select id, role from app_user where email = ${values.as.toLowerCase()} and disabled_at is null`;
        if (!u) throw new CliError(`no active user with email ${values.as}`);
        actor = { id: u.id, role: u.role };
      }
      const onProgress = values.json ? undefined : progressPrinter(stderr);
      const started = performance.now();
      const plan = await planImport(files, actor, { onProgress, db: sql });
      const render = () => renderPlan(plan, { locale, all: values.all });

      if (values["dry-run"] || !plan.ok) {
        if (values.json) stdout.write(`${JSON.stringify({ dryRun: values["dry-run"], plan }, null, 2)}\n`);
        else {
          stdout.write(render());
          if (!plan.ok && !values["dry-run"]) {
            stdout.write(locale === "en" ? "\nNothing was written: fix the rejected rows and run again.\n" : "\n未写入任何数据：请修正被拒绝的行后重新导入。\n");
          } else if (values["dry-run"]) {
            stdout.write(locale === "en" ? "\nDry run: nothing was written.\n" : "\n试运行：未写入任何数据。\n");
          }
        }
        return plan.ok ? 0 : 1;
      }

      // The import queues search updates in graphile-worker's schema, which Qiao installs at start;
      // a database that was only migrated (Qiao never started on it) gets it here. Idempotent.
      await migrateQueue();
      const applied = await applyImport(plan, actor, { onProgress, db: sql });
      if (!applied.ok) {
        if (values.json) stdout.write(`${JSON.stringify({ dryRun: false, plan: applied.plan }, null, 2)}\n`);
        else {
          stdout.write(renderPlan(applied.plan, { locale, all: values.all }));
          stdout.write(locale === "en" ? "\nThe data changed since the check; nothing was written.\n" : "\n检查后数据库已有变化，未写入任何数据。\n");
        }
        return 1;
      }
      const ms = Math.round(performance.now() - started);
      if (values.json) {
        stdout.write(`${JSON.stringify({ dryRun: false, plan: applied.plan, report: applied.report }, null, 2)}\n`);
      } else {
        stdout.write(renderPlan(applied.plan, { locale, all: values.all }));
        const c = applied.report.counts;
        const written = c.created + c.updated;
        stdout.write(
          locale === "en"
            ? `\nImported in one transaction in ${ms} ms (${written} rows written${written ? "; search index updates queued" : ""}).\n`
            : `\n已在一个事务中导入，用时 ${ms} 毫秒（写入 ${written} 行${written ? "，搜索索引更新已排队" : ""}）。\n`,
        );
      }
      return 0;
    });
  },
};
