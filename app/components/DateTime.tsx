// Dates are formatted the same on the server and in the browser (fixed locale
// and time zone), so hydration never disagrees.
const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });
const timeFormat = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" });

export function DateTime({ iso, withTime = false }: { iso: string; withTime?: boolean }) {
  const date = new Date(iso);
  const text = withTime ? `${dateFormat.format(date)} at ${timeFormat.format(date)} UTC` : dateFormat.format(date);
  return <time dateTime={iso}>{text}</time>;
}
