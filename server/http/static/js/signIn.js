/**
 * The API-key sign-in of the staff pages (console, audit): the key section that
 * `pages/apiKeySection.ts` renders, the tab's stored key, and signing out when the API no longer
 * takes the key. Written once; each page says which kind of key it keeps.
 */
import { ApiError, api } from "./api.js";
import { byId } from "./dom.js";
import { t } from "./i18n.js";
import { forgetKey, keyLabel, storeKey, storedKey } from "./session.js";

/**
 * @typedef {object} KeySession
 * @property {() => string} key the key in use (an ApiError 401 when there is none)
 * @property {(error: unknown) => boolean} expired true, after signing out, when `error` says the key is no longer good
 */

/** @param {unknown} error */
const isAuthError = (error) => error instanceof ApiError && error.status === 401;

/**
 * @param {import("./session.js").KeyKind} kind
 * @param {{ onSignedIn?: () => void }} [options]
 * @returns {KeySession}
 */
export function keySignIn(kind, options = {}) {
  const ui = {
    form: byId("key-form", HTMLFormElement),
    input: byId("key-input", HTMLInputElement),
    error: byId("key-error", HTMLParagraphElement),
    status: byId("key-status", HTMLDivElement),
    summary: byId("key-summary", HTMLParagraphElement),
    forget: byId("key-forget", HTMLButtonElement),
    workspace: byId("workspace", HTMLDivElement),
  };

  /** @param {string} key */
  const check = (key) => api("/api/v1/certificates?limit=1", { key });

  const show = () => {
    const key = storedKey(kind);
    ui.form.hidden = Boolean(key);
    ui.status.hidden = !key;
    ui.workspace.hidden = !key;
    ui.summary.textContent = key ? t("console.key.using", { key: keyLabel(key) }) : "";
  };

  const signOut = (message = "") => {
    forgetKey(kind);
    show();
    ui.error.textContent = message;
    ui.input.focus();
  };

  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = ui.input.value.trim();
    ui.error.textContent = "";
    ui.input.removeAttribute("aria-invalid");
    if (!key) {
      ui.error.textContent = t("console.key.missing");
      ui.input.setAttribute("aria-invalid", "true");
      return;
    }
    check(key).then(
      () => {
        storeKey(kind, key);
        ui.input.value = "";
        show();
        options.onSignedIn?.();
      },
      (/** @type {unknown} */ error) => {
        ui.input.setAttribute("aria-invalid", "true");
        ui.error.textContent = isAuthError(error) ? t("console.key.rejected") : t("console.error.network");
      },
    );
  });
  ui.forget.addEventListener("click", () => {
    signOut();
  });

  show();
  const saved = storedKey(kind);
  if (saved) {
    check(saved).catch((/** @type {unknown} */ error) => {
      if (isAuthError(error)) signOut(t("console.key.expired"));
    });
  }

  return {
    key() {
      const key = storedKey(kind);
      if (!key) throw new ApiError(401, "UNAUTHENTICATED", "no key");
      return key;
    },
    expired(error) {
      if (!isAuthError(error)) return false;
      signOut(t("console.key.expired"));
      return true;
    },
  };
}
