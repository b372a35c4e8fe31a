/* global location, window */
/** The A4 certificate sheet: filled from the API with this tab's officer key, then printed. */
import { ApiError, api, fetchBlob } from "./api.js";
import { byId, el, replace } from "./dom.js";
import { divisionName, formatDate, t, typeByName } from "./i18n.js";
import { fieldValue } from "./resultView.js";
import { storedKey } from "./session.js";

/**
 * @typedef {{ id: string, type: string, state: string, verifyUrl: string,
 *   document: { issuer: { name?: string, jurisdiction?: string }, subject: Record<string, unknown>, validFrom?: string,
 *   validUntil?: string, issuedAt?: string } }} CertificateView
 */

const ui = {
  button: byId("print-button", HTMLButtonElement),
  status: byId("print-status", HTMLParagraphElement),
  sheet: byId("sheet", HTMLElement),
  agency: byId("sheet-agency", HTMLParagraphElement),
  title: byId("sheet-title", HTMLHeadingElement),
  fields: byId("sheet-fields", HTMLElement),
  qr: byId("sheet-qr", HTMLImageElement),
  url: byId("sheet-url", HTMLParagraphElement),
  meta: byId("sheet-meta", HTMLElement),
};

/** @param {string} label @param {Node | string} value */
const entry = (label, value) => el("div", { class: "field" }, el("dt", {}, label), el("dd", {}, value));

async function load() {
  const id = new URLSearchParams(location.search).get("id") ?? "";
  const key = storedKey("officer");
  if (!key) {
    replace(ui.status, t("print.noKey"), " ", el("a", { href: "/console" }, t("print.back")));
    return;
  }
  try {
    const view = /** @type {CertificateView} */ (await api(`/api/v1/certificates/${encodeURIComponent(id)}`, { key }));
    const type = typeByName(view.type);
    const { document: doc } = view;
    ui.agency.textContent = [doc.issuer.name, doc.issuer.jurisdiction ? divisionName(doc.issuer.jurisdiction) : ""]
      .filter(Boolean)
      .join(" · ");
    ui.title.textContent = type?.label ?? view.type;
    const order = type
      ? type.fields.map((f) => f.name).filter((name) => Object.hasOwn(doc.subject, name))
      : Object.keys(doc.subject);
    replace(
      ui.fields,
      order.map((name) => {
        const field = type?.fields.find((f) => f.name === name);
        return entry(field?.label ?? name, fieldValue(field, doc.subject[name]));
      }),
    );
    replace(
      ui.meta,
      entry(t("field.id"), el("span", { class: "mono" }, view.id)),
      doc.issuedAt ? entry(t("field.issuedAt"), formatDate(doc.issuedAt)) : null,
      doc.validFrom ? entry(t("field.validFrom"), formatDate(doc.validFrom)) : null,
      entry(t("field.validUntil"), doc.validUntil ? formatDate(doc.validUntil) : t("field.noEnd")),
    );
    ui.url.textContent = view.verifyUrl;
    // the holder's copy: the link arrives in this page's fragment, straight from the issuing answer
    const holderUrl = new URLSearchParams(location.hash.slice(1)).get("holder");
    if (holderUrl) {
      const code = new URL(holderUrl).hash.slice(1).replace(/(.{4})(?=.)/g, "$1-");
      ui.meta.append(
        entry(t("console.holder.code"), el("span", { class: "mono" }, code)),
        entry(t("console.holder.link"), el("span", { class: "mono" }, holderUrl)),
      );
    }
    ui.qr.alt = t("print.qrAlt");
    ui.qr.src = URL.createObjectURL(await fetchBlob(`/api/v1/certificates/${encodeURIComponent(id)}/qr.png`, key));
    await ui.qr.decode().catch(() => undefined);
    ui.sheet.hidden = false;
    ui.status.textContent = view.state === "anchored" ? t("print.ready") : t("print.pending");
    ui.button.disabled = false;
  } catch (error) {
    ui.status.textContent =
      error instanceof ApiError && error.status === 404 ? t("print.notFound") : t("console.error.network");
  }
}

ui.button.addEventListener("click", () => {
  window.print();
});
void load();
