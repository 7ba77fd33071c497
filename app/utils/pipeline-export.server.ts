// Shared by /intents/export and /agreements/export.

/** The most rows one export holds (the bureau's whole year is a few hundred). */
export const EXPORT_MAX_ROWS = 20_000;

/** RFC 6266: an ASCII name for old clients, the Chinese one for everyone else. */
export function attachment(ascii: string, utf8: string) {
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(utf8)}`;
}
