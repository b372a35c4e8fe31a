/** Dates typed in forms and CSV files, turned into the RFC 3339 date-times the API expects. */

/** @param {number} minutes */
function offset(minutes) {
  const sign = minutes >= 0 ? "+" : "-";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/**
 * `YYYY-MM-DD` at a local clock time, with this browser's offset on that day; anything else is
 * passed through for the API to judge.
 * @param {string} value
 * @param {"start" | "end"} edge start or end of the day
 */
export function localDateTime(value, edge) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return value;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const clock = edge === "start" ? [0, 0, 0] : [23, 59, 59];
  const local = new Date(year, month - 1, day, clock[0], clock[1], clock[2]);
  const hh = String(clock[0]).padStart(2, "0");
  const mm = String(clock[1]).padStart(2, "0");
  const ss = String(clock[2]).padStart(2, "0");
  return `${value}T${hh}:${mm}:${ss}${offset(-local.getTimezoneOffset())}`;
}
