/* global sessionStorage */
/**
 * API keys live only in this tab's sessionStorage: never in a URL, a cookie or localStorage, and
 * gone when the tab closes.
 */
const STORAGE_NAMES = { officer: "certledger.officerKey", auditor: "certledger.auditorKey" };

/** @typedef {keyof typeof STORAGE_NAMES} KeyKind */

/** @param {KeyKind} kind */
export function storedKey(kind) {
  try {
    return sessionStorage.getItem(STORAGE_NAMES[kind]);
  } catch {
    return null;
  }
}

/** @param {KeyKind} kind @param {string} key */
export function storeKey(kind, key) {
  sessionStorage.setItem(STORAGE_NAMES[kind], key);
}

/** @param {KeyKind} kind */
export function forgetKey(kind) {
  sessionStorage.removeItem(STORAGE_NAMES[kind]);
}

/**
 * The public part of a key (`clk_<id>_…`), to show which key is in use without its secret.
 * @param {string} key
 */
export function keyLabel(key) {
  const match = /^clk_([0-9a-f]{16})_/.exec(key);
  return match ? `clk_${match[1] ?? ""}_…` : "…";
}
