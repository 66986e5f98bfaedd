// Dates are formatted the same on the server and in the browser (fixed locale
// and time zone), so hydration never disagrees: "December 2, 2026", and with the
// time "December 2, 2026 at 14:05 UTC", as Intl's en-US long date and 24-hour time
// in UTC write them. Written out by hand because a page of 200 comments formats
// 200 dates on every render, and Intl.DateTimeFormat#format was a visible part of it.
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

const twoDigits = (n: number) => (n < 10 ? `0${n}` : String(n));

export function formatDate(date: Date): string {
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

export function formatDateTime(date: Date): string {
  return `${formatDate(date)} at ${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())} UTC`;
}

export function DateTime({ iso, withTime = false }: { iso: string; withTime?: boolean }) {
  const date = new Date(iso);
  return <time dateTime={iso}>{withTime ? formatDateTime(date) : formatDate(date)}</time>;
}
