import { CITY_TIME_ZONE } from '../i18n/format-date';

const LOCAL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * `<input type="datetime-local">` gives a wall-clock time without offset; the API wants ISO 8601 with one.
 * The wall clock is the city's (Europe/Rome), so the offset depends on the date (CET/CEST).
 */
export function cityLocalToIso(value: string): string | null {
  const match = LOCAL_DATETIME.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second = '0'] = match.slice(1).map((part) => Number(part ?? 0));
  const wallClockAsUtc = Date.UTC(year!, month! - 1, day!, hour!, minute!, Number(second));
  if (Number.isNaN(wallClockAsUtc)) return null;
  // Two passes: the offset at the guessed instant can differ from the one at the real instant around DST changes.
  let offsetMinutes = cityOffsetMinutes(new Date(wallClockAsUtc));
  offsetMinutes = cityOffsetMinutes(new Date(wallClockAsUtc - offsetMinutes * 60_000));
  return `${value.length === 16 ? `${value}:00` : value}${formatOffset(offsetMinutes)}`;
}

function cityOffsetMinutes(instant: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: CITY_TIME_ZONE, timeZoneName: 'longOffset' })
    .formatToParts(instant)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  const hours = String(Math.floor(absolute / 60)).padStart(2, '0');
  const minutes = String(absolute % 60).padStart(2, '0');
  return `${sign}${hours}:${minutes}`;
}

/** Today's date in the city, as `YYYY-MM-DD` (the default start of a new agreement). */
export function cityToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: CITY_TIME_ZONE }).format(now);
}
