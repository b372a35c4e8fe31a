/**
 * Revoke, suspend or reinstate, always through a confirmation dialog that says what will happen,
 * with a reason (required to revoke) and an optional note kept off chain.
 */
import { ApiError, api } from "./api.js";
import { byId } from "./dom.js";
import { t } from "./i18n.js";

/** @typedef {"revoke" | "suspend" | "reinstate"} StatusAction */
/** @typedef {{ id: string, status: string, reason?: string | null, txHash?: string | null, blockNumber?: number | null, pending?: { operation: number, action: string } }} StatusChange */

const ui = {
  dialog: byId("status-dialog", HTMLDialogElement),
  form: byId("status-form", HTMLFormElement),
  title: byId("status-dialog-title", HTMLHeadingElement),
  text: byId("status-dialog-text", HTMLParagraphElement),
  id: byId("status-dialog-id", HTMLParagraphElement),
  reasonField: byId("status-reason-field", HTMLDivElement),
  reason: byId("status-reason", HTMLSelectElement),
  reasonError: byId("status-reason-error", HTMLParagraphElement),
  note: byId("status-note", HTMLTextAreaElement),
  error: byId("status-error", HTMLParagraphElement),
  cancel: byId("status-cancel", HTMLButtonElement),
  confirm: byId("status-confirm", HTMLButtonElement),
};

/** @type {{ id: string, action: StatusAction, key: string, done: (change: StatusChange) => void } | null} */
let current = null;

/**
 * @param {{ id: string, action: StatusAction, key: string, done: (change: StatusChange) => void }} request
 */
export function confirmStatusChange(request) {
  current = request;
  const { action } = request;
  ui.title.textContent = t(`console.action.${action}.title`);
  ui.text.textContent = t(`console.action.${action}.explain`);
  ui.id.textContent = request.id;
  ui.confirm.textContent = t(`console.action.${action}.confirm`);
  ui.confirm.className = action === "reinstate" ? "" : "button--danger";
  ui.reasonField.hidden = action === "reinstate";
  ui.reason.value = action === "suspend" ? "certificateHold" : "";
  ui.reason.required = action === "revoke";
  ui.note.value = "";
  ui.error.textContent = "";
  ui.reasonError.textContent = "";
  ui.reason.removeAttribute("aria-invalid");
  ui.confirm.disabled = false;
  ui.dialog.showModal();
}

async function submit() {
  if (!current) return;
  const { id, action, key, done } = current;
  ui.error.textContent = "";
  ui.reasonError.textContent = "";
  const reason = ui.reason.value;
  if (action === "revoke" && reason === "") {
    ui.reasonError.textContent = t("console.action.reasonRequired");
    ui.reason.setAttribute("aria-invalid", "true");
    ui.reason.focus();
    return;
  }
  const note = ui.note.value.trim();
  /** @type {Record<string, string>} */
  const body = {};
  if (action !== "reinstate" && reason !== "") body.reason = reason;
  if (note !== "") body.note = note;
  ui.confirm.disabled = true;
  ui.error.textContent = t("console.action.sending");
  try {
    const change = /** @type {StatusChange} */ (
      await api(`/api/v1/certificates/${id}/${action}`, { method: "POST", key, body })
    );
    current = null;
    ui.dialog.close();
    done(change);
  } catch (error) {
    ui.confirm.disabled = false;
    ui.error.textContent =
      error instanceof ApiError
        ? t("console.action.failed", { code: error.code, message: error.message })
        : String(error);
  }
}

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  void submit();
});
ui.cancel.addEventListener("click", () => {
  current = null;
  ui.dialog.close();
});
