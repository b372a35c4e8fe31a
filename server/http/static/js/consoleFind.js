/**
 * The console's search: find certificates by id or by filters, page through them, and suspend,
 * reinstate or revoke one through the confirmation dialog.
 */
import { ApiError, api } from "./api.js";
import { localDateTime } from "./dates.js";
import { byId, el, replace } from "./dom.js";
import { apiErrorText } from "./errorText.js";
import { formatDate, t, typeByName } from "./i18n.js";
import { confirmStatusChange } from "./statusDialog.js";

/** @typedef {{ id: string, type: string, state: string, status: string, createdAt: string }} ListedCertificate */

const PAGE_SIZE = 20;

/** @param {import("./signIn.js").KeySession} session */
export function setUpFind(session) {
  const ui = {
    findForm: byId("find-form", HTMLFormElement),
    findId: byId("find-id", HTMLInputElement),
    findType: byId("find-type", HTMLSelectElement),
    findState: byId("find-state", HTMLSelectElement),
    findStatus: byId("find-status", HTMLSelectElement),
    findFrom: byId("find-from", HTMLInputElement),
    findTo: byId("find-to", HTMLInputElement),
    findError: byId("find-error", HTMLParagraphElement),
    findSummary: byId("find-summary", HTMLParagraphElement),
    findResults: byId("find-results", HTMLDivElement),
    findBody: byId("find-body", HTMLTableSectionElement),
    findPaging: byId("find-paging", HTMLDivElement),
    findPrev: byId("find-prev", HTMLButtonElement),
    findNext: byId("find-next", HTMLButtonElement),
  };

  /** Cursors of the pages shown so far: the first page has none. */
  let cursors = /** @type {(string | null)[]} */ ([null]);
  let nextCursor = /** @type {string | null} */ (null);

  function listQuery() {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (ui.findType.value) params.set("type", ui.findType.value);
    if (ui.findState.value) params.set("state", ui.findState.value);
    if (ui.findStatus.value) params.set("status", ui.findStatus.value);
    if (ui.findFrom.value) params.set("from", localDateTime(ui.findFrom.value, "start"));
    if (ui.findTo.value) params.set("to", localDateTime(ui.findTo.value, "end"));
    return params;
  }

  /** @param {ListedCertificate} item */
  function actionsFor(item) {
    if (item.state !== "anchored") return [el("span", { class: "muted" }, t("console.find.waiting"))];
    /** @type {import("./statusDialog.js").StatusAction[]} */
    const actions =
      item.status === "active" ? ["suspend", "revoke"] : item.status === "suspended" ? ["reinstate", "revoke"] : [];
    return actions.map((action) =>
      el(
        "button",
        {
          type: "button",
          class: action === "reinstate" ? "button--small" : "button--small button--danger-outline",
          "data-action": action,
          "data-id": item.id,
        },
        t(`console.action.${action}.button`),
      ),
    );
  }

  /** @param {ListedCertificate[]} items */
  function showList(items) {
    replace(
      ui.findBody,
      items.map((item) =>
        el(
          "tr",
          { "data-id": item.id },
          el("td", { "data-label": t("field.id") }, el("code", { class: "mono" }, item.id)),
          el("td", { "data-label": t("console.type") }, typeByName(item.type)?.label ?? item.type),
          el("td", { "data-label": t("console.find.state") }, t(`console.state.${item.state}`)),
          el(
            "td",
            { "data-label": t("console.find.status"), "data-status": item.status },
            t(`console.status.${item.status}`),
          ),
          el(
            "td",
            { "data-label": t("console.find.created") },
            el("time", { datetime: item.createdAt }, formatDate(item.createdAt)),
          ),
          el(
            "td",
            {},
            el(
              "div",
              { class: "row-actions" },
              el("a", { href: `/console/print?id=${item.id}` }, t("console.print")),
              actionsFor(item),
            ),
          ),
        ),
      ),
    );
    ui.findResults.hidden = items.length === 0;
  }

  async function findPage() {
    ui.findError.textContent = "";
    const key = session.key();
    const id = ui.findId.value.trim();
    try {
      if (id) {
        const record =
          /** @type {{ id: string, type: string, state: string, status: { status: string }, createdAt: string }} */ (
            await api(`/api/v1/certificates/${encodeURIComponent(id)}`, { key })
          );
        showList([
          {
            id: record.id,
            type: record.type,
            state: record.state,
            status: record.status.status,
            createdAt: record.createdAt,
          },
        ]);
        ui.findSummary.textContent = t("console.find.one");
        ui.findPaging.hidden = true;
        return;
      }
      const params = listQuery();
      const after = cursors.at(-1);
      if (after) params.set("after", after);
      const page = /** @type {{ items: ListedCertificate[], next: string | null }} */ (
        await api(`/api/v1/certificates?${params.toString()}`, { key })
      );
      showList(page.items);
      nextCursor = page.next;
      ui.findSummary.textContent =
        page.items.length === 0
          ? t("console.find.none")
          : t("console.find.page", { page: cursors.length, count: page.items.length });
      ui.findPaging.hidden = cursors.length === 1 && !page.next;
      ui.findPrev.disabled = cursors.length === 1;
      ui.findNext.disabled = !page.next;
    } catch (error) {
      if (session.expired(error)) return;
      if (error instanceof ApiError && error.status === 404) {
        showList([]);
        ui.findSummary.textContent = t("console.find.none");
        return;
      }
      ui.findError.textContent = apiErrorText(error);
    }
  }

  ui.findForm.addEventListener("submit", (event) => {
    event.preventDefault();
    cursors = [null];
    void findPage();
  });
  ui.findNext.addEventListener("click", () => {
    if (!nextCursor) return;
    cursors.push(nextCursor);
    void findPage();
  });
  ui.findPrev.addEventListener("click", () => {
    if (cursors.length > 1) cursors.pop();
    void findPage();
  });
  ui.findBody.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-action]") : null;
    if (!(button instanceof HTMLButtonElement)) return;
    const action = /** @type {import("./statusDialog.js").StatusAction} */ (button.dataset.action);
    const id = button.dataset.id ?? "";
    confirmStatusChange({
      id,
      action,
      key: session.key(),
      done: (change) => {
        ui.findSummary.textContent = change.pending
          ? t("console.action.pending", { id, status: t(`console.status.${change.status}`) })
          : t("console.action.done", {
              id,
              status: t(`console.status.${change.status}`),
              tx: change.txHash ?? "—",
            });
        void findPage().then(() => {
          const row = ui.findBody.querySelector(`tr[data-id="${id}"] a`);
          if (row instanceof HTMLElement) row.focus();
        });
      },
    });
  });
}
