// Shared by /intents/export and /agreements/export.

/** The most rows one export holds (the bureau's whole year is a few hundred). */
export const EXPORT_MAX_ROWS = 20_000;

