import { htmlLang, type Locale } from "../../i18n/index.ts";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A date or date-time from the document or the chain in the reader's language. Plain dates are
 * calendar dates and are never shifted by a time zone; instants are shown in `timeZone` with its
 * offset. Anything unparseable is shown as given rather than hidden.
 */
export function formatDateTime(value: string, locale: Locale, timeZone: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) return value;
  const format = DATE_ONLY.test(value)
    ? new Intl.DateTimeFormat(htmlLang(locale), { dateStyle: "long", timeZone: "UTC" })
    : new Intl.DateTimeFormat(htmlLang(locale), {
        year: "numeric",
        month: "long",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZone,
        timeZoneName: "short",
      });
  return format.format(time);
}
