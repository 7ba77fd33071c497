import type postgres from "postgres";
import type { Role } from "~/utils/roles";

/** Who is acting, as the models see it: a signed-in user (and where the request came from). */
export type Actor = { id: string; role: Role; ip?: string | null };

/** A transaction of db/client.server.ts's client (bigints parsed as numbers). */
export type Tx = postgres.TransactionSql<{ bigint: number }>;
type Json = postgres.JSONValue;

/** One audit_log row, written inside the caller's transaction so it commits with the change. */
export async function audit(
  tx: Tx,
  entry: {
    actor: Actor | null;
    action: string;
    entity: string;
    entityId: string | number;
    before?: Json;
    after?: Json;
  },
) {
  await tx`
    insert into audit_log (actor_id, action, entity, entity_id, before, after, ip)
    values (
      ${entry.actor?.id ?? null}, ${entry.action}, ${entry.entity}, ${String(entry.entityId)},
      ${entry.before === undefined ? null : tx.json(entry.before)},
      ${entry.after === undefined ? null : tx.json(entry.after)},
      ${entry.actor?.ip ?? null}
    )`;
}

/** A thrown 403: the model refuses, whatever the UI showed. */
export function forbidden(): never {
  throw new Response("Forbidden", { status: 403 });
}
