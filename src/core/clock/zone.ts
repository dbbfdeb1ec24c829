// A tenant's time zone (IANA name, UTC by default) turns instants into its calendar days and back:
// bill dates, retry days and settlement cut-offs are days and times of day in the tenant's zone.
// UTC is computed directly; other zones through Intl (one cached formatter per zone).

const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  return f;
}

const isUtc = (zone: string): boolean => zone === 'UTC' || zone === 'Etc/UTC' || zone === '';

/** An IANA zone name Intl knows ("Europe/Paris", "America/New_York", "UTC"). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wall(ms: number, zone: string): Wall {
  if (isUtc(zone)) {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
  }
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(ms)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** Minutes the zone is ahead of UTC at an instant. */
function offsetMinutes(ms: number, zone: string): number {
  if (isUtc(zone)) return 0;
  const w = wall(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - (ms - (((ms % 1000) + 1000) % 1000))) / 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** YYYY-MM-DD of an instant in the zone. */
export function localDate(ms: number, zone: string): string {
  if (isUtc(zone)) return new Date(ms).toISOString().slice(0, 10);
  const w = wall(ms, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** The instant a wall-clock time of a day begins in the zone (the first instant at or after it, across a DST gap). */
export function zonedInstant(date: string, minutesOfDay: number, zone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const naive = Date.UTC(y, m - 1, d) + minutesOfDay * 60_000;
  if (isUtc(zone)) return naive;
  // Two passes settle the offset; a wall time inside a DST gap moves to the end of the gap.
  let t = naive - offsetMinutes(naive, zone) * 60_000;
  t = naive - offsetMinutes(t, zone) * 60_000;
  const target = `${date} ${pad(Math.floor(minutesOfDay / 60))}:${pad(minutesOfDay % 60)}`;
  const label = (ms: number) => {
    const w = wall(ms, zone);
    return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
  };
  if (label(t) === target) return t;
  // In a gap: step forward in quarter hours until the wall clock has passed the time asked for.
  for (let i = 0; i < 16 && label(t) < target; i++) t += 15 * 60_000;
  return t;
}

/** The first instant of a calendar day in the zone. */
export function startOfDay(date: string, zone: string): number {
  return zonedInstant(date, 0, zone);
}

/** The first instant of the day after the one an instant falls in (the zone's next midnight). */
export function nextMidnight(ms: number, zone: string): number {
  return startOfDay(addDaysTo(localDate(ms, zone), 1), zone);
}

/** YYYY-MM-DD plus whole days (calendar arithmetic, no zone). */
export function addDaysTo(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** "HH:MM" as minutes of the day. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h || 0) * 60 + (m || 0);
}

/** The most recent daily HH:MM (in the zone) at or before an instant. */
export function lastDailyAt(ms: number, hhmm: string, zone: string): number {
  const minutes = minutesOf(hhmm);
  const today = localDate(ms, zone);
  const at = zonedInstant(today, minutes, zone);
  return at <= ms ? at : zonedInstant(addDaysTo(today, -1), minutes, zone);
}

/** The first daily HH:MM (in the zone) strictly after an instant. */
export function nextDailyAfter(ms: number, hhmm: string, zone: string): number {
  const minutes = minutesOf(hhmm);
  const today = localDate(ms, zone);
  const at = zonedInstant(today, minutes, zone);
  return at > ms ? at : zonedInstant(addDaysTo(today, 1), minutes, zone);
}
