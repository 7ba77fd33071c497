import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { ImportKind } from "./columns.server";
import type { ImportFile } from "./read.server";

// The import's public face: app/models (the organizers' upload page) and scripts/commands/import.ts
// use only what is exported here.

export { applyImport, planImport } from "./plan.server";
export type {
  ApplyResult,
  ImportAction,
  ImportActor,
  ImportCounts,
  ImportOptions,
  ImportPlan,
  ImportProgress,
  ImportReport,
  ImportSource,
  PlannedRow,
} from "./plan.server";
export { IMPORT_LIMITS, type ImportFile, type ImportLimits } from "./read.server";
export { formatIssue, type ImportIssue, type IssueCode, type Locale } from "./issues.server";
export { IMPORT_KINDS, isImportKind, KIND_LABELS, type ImportKind } from "./columns.server";

const IMPORTABLE = /\.(json|csv|tsv|txt|xlsx|xlsm|xls)$/i;

/**
 * A file, or every importable file directly inside a folder (README.md and the like are left
 * out; planImport skips the demo's events/intents/agreements with a note).
 */
export async function importFilesFromPath(p: string, kind?: ImportKind): Promise<ImportFile[]> {
  const s = await stat(p);
  if (!s.isDirectory()) return [{ bytes: await readFile(p), filename: path.basename(p), kind }];
  const names = (await readdir(p)).filter((n) => IMPORTABLE.test(n)).sort();
  return Promise.all(names.map(async (n) => ({ bytes: await readFile(path.join(p, n)), filename: n, kind })));
}
