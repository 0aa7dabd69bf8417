/**
 * RFC 3339 timestamps in UTC, as Atom (`xsd:dateTime`) and JSON Feed want them. Milliseconds are
 * written only when there are some, so whole-second dates read "2026-11-20T08:00:00Z".
 */
export function formatRfc3339(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
