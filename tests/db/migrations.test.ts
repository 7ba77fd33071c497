import { readdirSync } from "node:fs";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { sql } from "../../db/client.server";
import { migrate, MIGRATIONS_DIR } from "../../db/migrate.server";

const TABLES = [
  "app_user", "session", "organization", "membership", "org_invite", "audit_log",
  "expert", "need", "result",
  "event", "event_organizer", "event_slot", "event_table", "event_participant", "participant_availability",
  "meeting_request", "meeting_request_party", "meeting", "meeting_party",
  "intent", "intent_stage_history", "agreement", "event_signing",
  "match_feedback", "kpi_target",
];

const adminUrl = inject("pgAdminUrl");
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
const scratch = `qiao_mig_${process.pid}_${Date.now().toString(36)}`;

afterAll(async () => {
  await admin`drop database if exists ${admin(scratch)} with (force)`;
  await admin.end();
});

describe("migrations", () => {
  it("apply in order to an empty database, then have nothing left to do", async () => {
    await admin`create database ${admin(scratch)}`;
    const url = new URL(adminUrl);
    url.pathname = `/${scratch}`;
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith(".sql")).sort().map((f) => f.replace(/\.sql$/, ""));
    expect(await migrate(url.toString())).toEqual(files);
    expect(await migrate(url.toString())).toEqual([]);
  });

  it("create every table of the domain, each mutable one with created_at, updated_at and version", async () => {
    const rows = await sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'
    `;
    const names = rows.map((r) => r.table_name);
    for (const t of TABLES) expect(names, t).toContain(t);

    const appendOnly = new Set(["session", "org_invite", "audit_log", "event_organizer", "participant_availability", "intent_stage_history"]);
    const cols = await sql<{ table_name: string; column_name: string }[]>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and column_name in ('created_at', 'updated_at', 'version')
    `;
    for (const t of TABLES.filter((t) => !appendOnly.has(t))) {
      const have = cols.filter((c) => c.table_name === t).map((c) => c.column_name).sort();
      expect(have, t).toEqual(["created_at", "updated_at", "version"]);
    }
  });

  it("index the leading column of every foreign key of the domain tables (deletes and joins never scan a table)", async () => {
    const accounts = ["app_user", "session", "organization", "membership", "org_invite", "audit_log"];
    const unindexed = await sql<{ fk: string }[]>`
      select c.conrelid::regclass || '.' || c.conname as fk
      from pg_constraint c
      where c.contype = 'f' and c.connamespace = 'public'::regnamespace
        and not (c.conrelid::regclass::text = any(${accounts}))
        and not exists (select 1 from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1])
    `;
    expect(unindexed.map((r) => r.fk)).toEqual([]);
  });
});
