// Times on schedule pages: always in the bureau's time zone (Asia/Shanghai), whatever the
// server's or the browser's zone, so server and client render the same text.
const TZ = "Asia/Shanghai";

export function timeOfDay(d: Date | string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: TZ, hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(d));
}

export function dayLabel(d: Date | string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: TZ, month: "long", day: "numeric", weekday: "short" }).format(new Date(d));
}

export function slotLabel(s: { startsAt: Date | string; endsAt: Date | string; label?: string | null }, locale: string, withDay = false): string {
  const range = `${timeOfDay(s.startsAt, locale)}–${timeOfDay(s.endsAt, locale)}`;
  const text = withDay ? `${dayLabel(s.startsAt, locale)} ${range}` : range;
  return s.label ? `${text} ${s.label}` : text;
}

export function dateTime(d: Date | string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: TZ, dateStyle: "medium", timeStyle: "short" }).format(new Date(d));
}
