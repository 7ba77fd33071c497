import { EVENT_KINDS, EVENT_STATUSES, type EventKind, type EventStatus } from "./events";

// The events list's filters from a URL (the page and its export read the same parameters).

export type EventListParams = { q: string; kind: EventKind | null; status: EventStatus | null; year: number | null };

export function parseEventListParams(params: URLSearchParams): EventListParams {
  const kind = params.get("kind");
  const status = params.get("status");
  const year = Number(params.get("year"));
  return {
    q: (params.get("q") ?? "").slice(0, 100),
    kind: (EVENT_KINDS as readonly string[]).includes(kind ?? "") ? EVENT_KINDS.find((k) => k === kind) ?? null : null,
    status: (EVENT_STATUSES as readonly string[]).includes(status ?? "") ? EVENT_STATUSES.find((s) => s === status) ?? null : null,
    year: Number.isInteger(year) && year >= 2000 && year <= 2100 ? year : null,
  };
}
