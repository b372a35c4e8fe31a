/* global setTimeout, crypto */
/**
 * The console's "issue one" feature: a form generated from the certificate type, field-level
 * errors from the API under their fields, the new certificate's QR code, and its anchoring.
 */
import { ApiError, api, fetchBlob } from "./api.js";
import { localDateTime } from "./dates.js";
import { byId, el, replace } from "./dom.js";
import { apiErrorText } from "./errorText.js";
import { issueTarget, issueText, issuesByItem } from "./fieldIssues.js";
import { t, typeByName } from "./i18n.js";
import { buildFields, clearErrors, readSubject, showFieldError } from "./schemaForm.js";

const ANCHOR_POLL_MS = 1000;
const ANCHOR_POLL_LIMIT = 120;

/** @param {import("./signIn.js").KeySession} session */
export function setUpIssueOne(session) {
  const ui = {
    issueForm: byId("issue-form", HTMLFormElement),
    issueType: byId("issue-type", HTMLSelectElement),
    issueFields: byId("issue-fields", HTMLDivElement),
    issueValidFrom: byId("issue-validFrom", HTMLInputElement),
    issueValidUntil: byId("issue-validUntil", HTMLInputElement),
    issueError: byId("issue-error", HTMLParagraphElement),
    issueSubmit: byId("issue-submit", HTMLButtonElement),
    issueResult: byId("issue-result", HTMLDivElement),
  };

  function currentIssueType() {
    const type = typeByName(ui.issueType.value);
    if (!type) throw new Error(`unknown type ${ui.issueType.value}`);
    return type;
  }

  function renderIssueFields() {
    const type = currentIssueType();
    buildFields(ui.issueFields, type, "issue-f");
    ui.issueValidUntil.setAttribute("aria-required", type.validUntilRequired ? "true" : "false");
  }

  /**
   * Puts each issue of the API's answer under its field; what has no field goes above the button.
   * @param {import("./fieldIssues.js").FieldIssue[]} issues
   */
  function showIssueErrors(issues) {
    const general = [];
    for (const issue of issues) {
      const target = issueTarget(issue.path);
      const id = target === "validFrom" || target === "validUntil" ? `issue-${target}` : `issue-f-${target}`;
      if (!showFieldError(id, issueText(issue))) general.push(issueText(issue));
    }
    ui.issueError.textContent = t("console.issue.invalid") + (general.length > 0 ? ` ${general.join(" ")}` : "");
    const firstInvalid = ui.issueForm.querySelector("[aria-invalid]");
    if (firstInvalid instanceof HTMLElement) firstInvalid.focus();
  }

  /**
   * The holder link, shown to the officer this once (only its hash is kept): to hand over and to
   * print on the holder's copy, whose print link carries it in the fragment, never to a server.
   * @param {{ id: string, holder?: { code: string, url: string } | null }} ack
   */
  function holderSection(ack) {
    if (!ack.holder) return el("p", { class: "hint" }, t("console.holder.none"));
    return el(
      "div",
      { class: "notice notice--disclosure", "data-holder-link": "" },
      el("p", {}, el("strong", {}, t("console.holder.heading")), " ", t("console.holder.once")),
      el(
        "dl",
        { class: "fields" },
        el(
          "div",
          { class: "field" },
          el("dt", {}, t("console.holder.code")),
          el("dd", {}, el("code", { class: "mono" }, ack.holder.code)),
        ),
      ),
      el("p", {}, el("a", { href: ack.holder.url }, ack.holder.url)),
      el(
        "p",
        {},
        el(
          "a",
          {
            class: "button button--secondary",
            href: `/console/print?id=${ack.id}#holder=${encodeURIComponent(ack.holder.url)}`,
          },
          t("console.holder.print"),
        ),
      ),
    );
  }

  /**
   * @param {{ id: string, verifyUrl: string, holder?: { code: string, url: string } | null }} ack
   */
  function showIssued(ack) {
    const state = el("p", { role: "status" }, t("console.issue.pending"));
    const qr = el("img", { class: "qr-preview", alt: t("console.issue.qrAlt"), width: 160, height: 160 });
    replace(
      ui.issueResult,
      el(
        "div",
        { class: "card card--done" },
        el("h3", {}, t("console.issue.done")),
        el(
          "dl",
          { class: "fields" },
          el(
            "div",
            { class: "field" },
            el("dt", {}, t("field.id")),
            el("dd", {}, el("code", { class: "mono", "data-issued-id": ack.id }, ack.id)),
          ),
        ),
        state,
        qr,
        holderSection(ack),
        el(
          "p",
          { class: "actions" },
          el("a", { class: "button button--secondary", href: `/console/print?id=${ack.id}` }, t("console.print")),
          el(
            "a",
            {
              class: "button button--secondary",
              href: new URL(ack.verifyUrl).pathname + new URL(ack.verifyUrl).search,
            },
            t("console.issue.openVerify"),
          ),
        ),
      ),
    );
    const key = session.key();
    fetchBlob(`/api/v1/certificates/${ack.id}/qr.png`, key).then(
      (blob) => {
        qr.src = URL.createObjectURL(blob);
      },
      () => {
        qr.remove();
      },
    );
    void waitForAnchor(ack.id, key, state);
  }

  /**
   * @param {string} id
   * @param {string} key
   * @param {HTMLElement} line
   */
  async function waitForAnchor(id, key, line) {
    for (let i = 0; i < ANCHOR_POLL_LIMIT && line.isConnected; i++) {
      await new Promise((resolve) => setTimeout(resolve, ANCHOR_POLL_MS));
      const record = /** @type {{ state: string } | null} */ (
        await api(`/api/v1/certificates/${id}`, { key }).catch(() => null)
      );
      if (record?.state === "anchored") {
        line.textContent = t("console.issue.anchored");
        return;
      }
      if (record?.state === "failed") {
        line.textContent = t("console.issue.failed");
        return;
      }
    }
  }

  ui.issueType.addEventListener("change", renderIssueFields);
  ui.issueForm.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(ui.issueForm);
    const type = currentIssueType();
    /** @type {Record<string, unknown>} */
    const body = { type: type.name, subject: readSubject(ui.issueForm, type) };
    if (ui.issueValidFrom.value) body.validFrom = localDateTime(ui.issueValidFrom.value, "start");
    if (ui.issueValidUntil.value) body.validUntil = localDateTime(ui.issueValidUntil.value, "end");
    ui.issueSubmit.disabled = true;
    api("/api/v1/certificates", { method: "POST", key: session.key(), body, idempotencyKey: crypto.randomUUID() })
      .then(
        (ack) => {
          showIssued(
            /** @type {{ id: string, verifyUrl: string, holder?: { code: string, url: string } | null }} */ (ack),
          );
          ui.issueForm.reset();
          renderIssueFields();
        },
        (/** @type {unknown} */ error) => {
          if (session.expired(error)) return;
          if (error instanceof ApiError && (error.status === 422 || error.status === 400)) {
            const issues = [...issuesByItem(error.details).values()].flat();
            if (issues.length > 0) {
              showIssueErrors(issues);
              return;
            }
          }
          ui.issueError.textContent = apiErrorText(error);
        },
      )
      .finally(() => {
        ui.issueSubmit.disabled = false;
      });
  });
  renderIssueFields();
}
