import { createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { writeCsv, writeXlsx } from "../../app/utils/export.server";
import { exportColumns, exportRows } from "../../db/import/export.server";
import { IMPORT_KINDS, isImportKind, KIND_LABELS } from "../../db/import/index.server";
import { UsageError, type Command } from "./command";
import { withSql } from "./database";

const USAGE = `npm run qiao -- export <${IMPORT_KINDS.join("|")}> [--format csv|xlsx] [--out <file>] [--lang zh|en]

Exports every row of a kind (the organizer's view: all statuses, contact details included) with
Chinese column headers (--lang en: English), in the format \`import\` reads back unchanged. CSV has a
UTF-8 BOM so that Excel shows Chinese correctly; text a spreadsheet would run as a formula is
neutralised. Default file: ./<kind>-<YYYYMMDD>.<format>.`;

export const exportCommand: Command = {
  name: "export",
  summary: "export needs, results, experts or organizations to CSV or XLSX",
  usage: USAGE,
  async run(argv, { stdout }) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { format: { type: "string", default: "csv" }, out: { type: "string" }, lang: { type: "string", default: "zh" } },
      strict: true,
      allowPositionals: true,
    });
    const [kind, ...extra] = positionals;
    if (kind === undefined) throw new UsageError(`what to export? (${IMPORT_KINDS.join(", ")})`);
    if (!isImportKind(kind)) throw new UsageError(`unknown kind "${kind}" (${IMPORT_KINDS.join(", ")})`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const format = values.format;
    if (format !== "csv" && format !== "xlsx") throw new UsageError("--format must be csv or xlsx");
    if (values.lang !== "zh" && values.lang !== "en") throw new UsageError("--lang must be zh or en");
    const locale = values.lang === "en" ? "en" : "zh-CN";
    const day = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    const out = values.out ?? `${kind}-${day}.${format}`;

    const started = performance.now();
    // written beside the target and renamed at the end: a failed export leaves no half file
    const part = `${out}.part`;
    const n = await withSql(async (sql) => {
      const stream = createWriteStream(part);
      try {
        const rows = exportRows(sql, kind);
        return format === "csv"
          ? await writeCsv(rows, exportColumns(kind), stream, { locale })
          : await writeXlsx(rows, exportColumns(kind), locale === "en" ? KIND_LABELS[kind].en : KIND_LABELS[kind].zh, stream, { locale });
      } catch (error) {
        stream.destroy();
        await rm(part, { force: true });
        throw error;
      }
    });
    await rename(part, out);
    const size = (await stat(out)).size;
    const ms = Math.round(performance.now() - started);
    stdout.write(`Exported ${n.toLocaleString("en")} ${kind} to ${out} (${(size / 1024).toFixed(1)} KB) in ${ms} ms.\n`);
  },
};
