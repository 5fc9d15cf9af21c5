/**
 * ISO 8601 weeks, the only time unit the anonymous counters know. A week runs Monday to Sunday;
 * week 1 is the week with the year's first Thursday, so 2021-01-03 is in 2020-W53 and
 * 2024-12-30 is in 2025-W01.
 */

/** Hong Kong time (UTC+8, no daylight saving): a week starts on Monday 00:00 where the workers are. */
export const HONG_KONG_UTC_OFFSET_MINUTES = 480;

const DAY_MS = 86_400_000;

/** The ISO week of a moment, as "2026-W48", on the calendar of the given UTC offset. */
export function isoWeek(at: number | Date, utcOffsetMinutes: number = HONG_KONG_UTC_OFFSET_MINUTES): string {
  const local = new Date((typeof at === 'number' ? at : at.getTime()) + utcOffsetMinutes * 60_000);
  const weekday = local.getUTCDay() || 7; // Monday 1 … Sunday 7
  // The Thursday of this week decides the year the week belongs to.
  const thursday = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 4 - weekday);
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The last `count` ISO weeks up to and including the week of `now`, oldest first. */
export function recentIsoWeeks(count: number, now: number, utcOffsetMinutes: number = HONG_KONG_UTC_OFFSET_MINUTES): string[] {
  const weeks: string[] = [];
  for (let i = count - 1; i >= 0; i--) weeks.push(isoWeek(now - i * 7 * DAY_MS, utcOffsetMinutes));
  return weeks;
}

/** True for a well-formed week label such as "2026-W48" (used to read counter keys back). */
export function isIsoWeekLabel(text: string): boolean {
  const m = /^(\d{4})-W(\d{2})$/.exec(text);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 53;
}
