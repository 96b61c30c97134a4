/**
 * RFC 3339 date-time as the API takes it: upper-case 'T', optional fraction of up to 9 digits, mandatory zone ('Z' or
 * an offset), and a real instant: the same fields .NET's DateTimeOffset accepts (month 1-12, a day the month has,
 * hour 0-23, minute and second 0-59, offset at most 14:00, the instant in UTC within the years 1 to 9999).
 */
const SHAPE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function isRfc3339DateTime(text: string): boolean {
  const m = SHAPE.exec(text);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (m[7] === undefined) return true;
  const offsetHours = Number(m[8]);
  const offsetMinutes = Number(m[9]);
  if (offsetMinutes > 59) return false;
  const offset = (offsetHours * 60 + offsetMinutes) * (m[7] === "-" ? -1 : 1);
  if (Math.abs(offset) > 14 * 60) return false;
  // The instant in UTC must stay within 0001-01-01 and 9999-12-31, as DateTimeOffset's range requires.
  const localMinutes = hour * 60 + minute;
  if (year === 1 && month === 1 && day === 1 && localMinutes - offset < 0) return false;
  if (year === 9999 && month === 12 && day === 31 && localMinutes - offset >= 24 * 60) return false;
  return true;
}
