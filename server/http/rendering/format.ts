import { htmlLang, type Locale } from "../../i18n/index.ts";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

type FormatKind = "date" | "clock" | "offset";

const FORMAT_OPTIONS: Readonly<Record<FormatKind, Intl.DateTimeFormatOptions>> = {
  date: { dateStyle: "long" },
  clock: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
  offset: { timeZoneName: "shortOffset" },
};

/**
 * Building an Intl.DateTimeFormat costs ~100x formatting with one, and a page shows up to ten
 * instants: formatters are kept per (locale, zone, kind). Keys are bounded by the two locales
 * times the configured zones, and a formatter is immutable.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: Locale, timeZone: string, kind: FormatKind): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${kind}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(kind === "offset" ? "en" : htmlLang(locale), {
      ...FORMAT_OPTIONS[kind],
      timeZone,
    });
    formatters.set(key, cached);
  }
  return cached;
}

function offsetName(time: number, timeZone: string): string {
  const parts = formatter("en", timeZone, "offset").formatToParts(time);
  const name = parts.find((part) => part.type === "timeZoneName")?.value ?? timeZone;
  return name.replace(/^GMT/, "UTC").replace(/^UTC[+-]0$/, "UTC");
}

/**
 * A date or date-time from the document or the chain in the reader's language. Plain dates are
 * calendar dates and are never shifted by a time zone; instants are shown in `timeZone` as
 * "<date> <hh:mm> (UTC+8)". Anything unparseable is shown as given rather than hidden.
 */
export function formatDateTime(value: string, locale: Locale, timeZone: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) return value;
  if (DATE_ONLY.test(value)) return formatter(locale, "UTC", "date").format(time);
  const date = formatter(locale, timeZone, "date").format(time);
  const clock = formatter(locale, timeZone, "clock").format(time);
  return `${date} ${clock} (${offsetName(time, timeZone)})`;
}

/** An instant as "hh:mm" in `timeZone`, for times within the next minutes (a live presentation's window). */
export function formatClock(value: string, locale: Locale, timeZone: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) return value;
  return formatter(locale, timeZone, "clock").format(time);
}
