import { sql } from "../../db/client.server";
import { searchCatalog, searchForExport } from "../../search/query.server";
import { reindex, ReindexBusyError } from "../../search/reindex.server";
import { searchStatus, type SearchStatus } from "../../search/status.server";
import { ACTIVE_RUN_WINDOW } from "../../search/sync.server";
import type { SearchViewer } from "../../search/documents.server";
import type { AuthUser } from "~/utils/auth.server";
import type { SearchHit, SearchInput, SearchOutcome } from "~/utils/search-params";
import { isStaff } from "~/utils/roles";
import { audit, forbidden, type Actor } from "./audit.server";

// Search as the app sees it: who is searching (their visibility), and the admin side (index
// status, a full reindex). The query itself lives in search/query.server.ts.

/**
 * The viewer a search filters for: null for a visitor; staff see everything; a member sees
 * public and members-only records plus everything of the organizations they belong to.
 */
export async function searchViewer(user: Pick<AuthUser, "id" | "role"> | null): Promise<SearchViewer> {
  if (!user) return null;
  if (isStaff(user)) return { role: user.role, orgIds: [] };
  const rows = await sql<{ org_id: number }[]>`select org_id from membership where user_id = ${user.id}`;
  return { role: user.role, orgIds: rows.map((r) => r.org_id) };
}

/** A search as this user (or a visitor) may see it; never throws because Meilisearch is down. */
export async function searchAs(user: Pick<AuthUser, "id" | "role"> | null, input: SearchInput): Promise<SearchOutcome> {
  return searchCatalog(input, await searchViewer(user));
}

/** Up to EXPORT_MAX_ROWS hits of a search as this user may see it, for a CSV/XLSX export. */
export async function searchForExportAs(
  user: Pick<AuthUser, "id" | "role"> | null,
  input: SearchInput,
): Promise<{ hits: SearchHit[]; total: number; degraded: boolean }> {
  return searchForExport(input, await searchViewer(user));
}

/** The admin page's figures; organizers and admins only. */
export async function getSearchStatus(actor: Actor | null): Promise<SearchStatus> {
  if (!actor || !isStaff(actor)) forbidden();
  return searchStatus();
}

let running: Promise<unknown> | null = null;

/**
 * Starts a full reindex (every index rebuilt beside the live one, then swapped in) in the
 * background of this process and returns at once; "busy" when one is running already (here or,
 * seen through search_reindex_run, in another process such as the CLI).
 */
export async function startFullReindex(actor: Actor | null): Promise<"started" | "busy"> {
  if (!actor || !isStaff(actor)) forbidden();
  const [active] = await sql<{ n: number }[]>`
    select count(*)::int as n from search_reindex_run
    where finished_at is null and heartbeat_at > now() - ${ACTIVE_RUN_WINDOW}::interval`;
  if (running || active.n > 0) return "busy";
  await sql.begin((tx) => audit(tx, { actor, action: "reindex", entity: "search", entityId: "all" }));
  running = reindex()
    .catch((error: unknown) => {
      // Another process took an index first: its run shows on the status page.
      if (error instanceof ReindexBusyError) return;
      console.warn(`search: the full reindex started from the admin page failed: ${String(error)}`);
    })
    .finally(() => {
      running = null;
    });
  return "started";
}

/** Tests: wait for a reindex started by startFullReindex. */
export async function waitForReindex() {
  await running;
}
