// What a URL or form may name, checked before it reaches SQL: ids are PostgreSQL
// `integer`s (a larger number is a 22003 error there, not "not found"), and
// cursors carry a real instant and such an id. Leaf module, safe anywhere.

/** The largest PostgreSQL `integer` (and serial id). */
export const MAX_ID = 2_147_483_647;

/** A row id from text: digits only, no leading zero, 1..MAX_ID; anything else is null. */
export function parseId(text: string | null | undefined): number | null {
  if (!text || !/^[1-9]\d{0,9}$/.test(text)) return null;
  const id = Number(text);
  return id <= MAX_ID ? id : null;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?Z$/;

/**
 * An ISO 8601 instant in UTC (`2025-06-01T10:00:00.123456Z`) that names a real
 * day and time (no 30 February, no year 0), or null.
 */
export function isValidInstant(text: string): boolean {
  const match = INSTANT.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/** A keyset cursor `INSTANT~ID` (see isValidInstant, parseId), or null. */
export function parseInstantCursor(text: string | null | undefined): { at: string; id: number } | null {
  if (!text) return null;
  const tilde = text.indexOf("~");
  if (tilde === -1) return null;
  const at = text.slice(0, tilde);
  const id = parseId(text.slice(tilde + 1));
  return id !== null && isValidInstant(at) ? { at, id } : null;
}

/**
 * Free text from a URL (a search box, a filter), at most `max` characters. PostgreSQL's
 * text cannot hold a NUL character (it refuses the whole statement), so NULs are dropped.
 */
export function queryText(text: string | null | undefined, max: number): string {
  return (text ?? "").replace(/\0/g, "").slice(0, max);
}
