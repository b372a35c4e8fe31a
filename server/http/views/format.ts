import { htmlLang, type Locale } from "../../i18n/index.ts";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function offsetName(time: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en", { timeZone, timeZoneName: "shortOffset" }).formatToParts(time);
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
  if (DATE_ONLY.test(value)) {
    return new Intl.DateTimeFormat(htmlLang(locale), { dateStyle: "long", timeZone: "UTC" }).format(time);
  }
  const date = new Intl.DateTimeFormat(htmlLang(locale), { dateStyle: "long", timeZone }).format(time);
  const clock = new Intl.DateTimeFormat(htmlLang(locale), {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
  }).format(time);
  return `${date} ${clock} (${offsetName(time, timeZone)})`;
}
