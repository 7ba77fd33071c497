// The kinds the import page offers, in the order people look for them. Shared by the browser
// (the form's schema and select) and the server; db/import's IMPORT_KINDS is the authority
// (tests/import-ui check that both lists hold the same kinds).

export const IMPORT_KIND_VALUES = ["needs", "results", "experts", "organizations"] as const;
export type ImportKindValue = (typeof IMPORT_KIND_VALUES)[number];

export const ROW_ACTIONS = ["created", "updated", "unchanged", "rejected"] as const;
export type RowAction = (typeof ROW_ACTIONS)[number];

export const ACTION_COLORS: Record<RowAction, string> = {
  created: "teal",
  updated: "blue",
  unchanged: "gray",
  rejected: "red",
};

/** "50 MB", "10 MB": the limits as the page states them. */
export function formatMegabytes(bytes: number) {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}
