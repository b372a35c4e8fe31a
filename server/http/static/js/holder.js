/* global location, fetch, confirm */
/**
 * The holder's page: opens the certificate with the holder secret (from the link's fragment, or
 * typed from the paper copy), shows it as the service renders it, makes and withdraws live
 * presentations, lists usage traces, and switches the link off. The secret goes only into the
 * `Authorization: Holder` header of same-origin requests, never into a URL.
 */
import { byId, el, replace } from "./dom.js";
import { bindLargeText } from "./display.js";
import { formatDate, pageData, t, typeByName } from "./i18n.js";
import { parseResultFragment } from "./resultView.js";

const certificateId = /\/h\/([0-9A-HJKMNP-TV-Z]{26})$/.exec(location.pathname)?.[1] ?? "";

const ui = {
  status: byId("holder-status", HTMLParagraphElement),
  unlock: byId("unlock", HTMLElement),
  unlockForm: byId("unlock-form", HTMLFormElement),
  code: byId("holder-code", HTMLInputElement),
  main: byId("holder-main", HTMLDivElement),
  presentIntro: byId("present-intro", HTMLParagraphElement),
  presentForm: byId("present-form", HTMLFormElement),
  presentFields: byId("present-fields", HTMLFieldSetElement),
  liveCode: byId("live-code", HTMLDivElement),
  presentationList: byId("presentation-list", HTMLUListElement),
  result: byId("holder-result", HTMLDivElement),
  tracesIntro: byId("traces-intro", HTMLParagraphElement),
  traces: byId("traces", HTMLDivElement),
  revoke: byId("revoke", HTMLButtonElement),
  largeText: byId("large-text", HTMLInputElement),
};

/** @type {string} */
let secret = "";

/**
 * @typedef {{ id: string, type: string, fields: string[], presentationTtlSeconds: number, usageTraceRetentionDays: number }} HolderInfo
 * @typedef {{ id: string, fields: string[], createdAt: string, expiresAt: string }} Presentation
 */

class HolderError extends Error {
  /** @param {number} status */
  constructor(status) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}

/**
 * @param {string} path below /api/v1/holder/<id>
 * @param {{ method?: string, body?: unknown, accept?: string }} [options]
 */
async function call(path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { authorization: `Holder ${secret}`, accept: options.accept ?? "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`/api/v1/holder/${certificateId}${path}`, {
    method: options.method ?? "GET",
    headers,
    credentials: "omit",
    cache: "no-store",
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  }).catch(() => {
    throw new HolderError(0);
  });
  if (!response.ok) throw new HolderError(response.status);
  return response;
}

/**
 * @param {Response} response
 * @returns {Promise<unknown>}
 */
const json = (response) => response.json();

/** @param {unknown} error */
function sayProblem(error) {
  const status = error instanceof HolderError ? error.status : 0;
  ui.status.textContent = t(
    status === 404 ? "holder.badCode" : status === 429 ? "holder.rateLimited" : "holder.unavailable",
  );
}

/**
 * @param {string} type
 * @param {string} name
 */
function fieldLabel(type, name) {
  return typeByName(type)?.fields.find((field) => field.name === name)?.label ?? name;
}

/** @param {string} iso */
const clock = (iso) => formatDate(iso);

/** @param {HolderInfo} info */
function drawFieldChoices(info) {
  replace(ui.presentFields, el("legend", {}, t("holder.presentFields")));
  for (const name of info.fields) {
    const id = `field-${name}`;
    ui.presentFields.append(
      el(
        "div",
        { class: "option" },
        el("input", { type: "checkbox", id, name: "field", value: name }),
        el("label", { for: id }, fieldLabel(info.type, name)),
      ),
    );
  }
}

/** @param {HolderInfo} info */
async function drawPresentations(info) {
  const body = /** @type {{ items: Presentation[] }} */ (await json(await call("/presentations")));
  if (body.items.length === 0) {
    replace(ui.presentationList, el("li", { class: "muted" }, t("holder.presentNone")));
    return;
  }
  replace(
    ui.presentationList,
    body.items.map((p) => {
      const withdraw = el(
        "button",
        { type: "button", class: "button--secondary", "data-presentation": p.id },
        t("holder.withdraw"),
      );
      withdraw.addEventListener("click", () => {
        call(`/presentations/${p.id}`, { method: "DELETE" })
          .then(async () => {
            ui.status.textContent = t("holder.withdrawn");
            replace(ui.liveCode);
            await drawPresentations(info);
          })
          .catch(sayProblem);
      });
      return el(
        "li",
        {},
        el(
          "span",
          {},
          p.fields.map((name) => fieldLabel(info.type, name)).join(", "),
          " · ",
          t("holder.presentValidUntil", { time: clock(p.expiresAt) }),
        ),
        withdraw,
      );
    }),
  );
}

async function drawTraces() {
  const body = /** @type {{ retentionDays: number, items: { at: string, channel: string, status: string }[] }} */ (
    await json(await call("/traces"))
  );
  ui.tracesIntro.textContent = t("holder.tracesIntro", { days: body.retentionDays });
  if (body.items.length === 0) {
    replace(ui.traces, el("p", { class: "muted" }, t("holder.tracesNone")));
    return;
  }
  replace(
    ui.traces,
    el(
      "table",
      { class: "trace-table" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          el("th", { scope: "col" }, t("holder.traceTime")),
          el("th", { scope: "col" }, t("holder.traceChannel")),
          el("th", { scope: "col" }, t("holder.traceResult")),
        ),
      ),
      el(
        "tbody",
        {},
        body.items.map((trace) =>
          el(
            "tr",
            { "data-channel": trace.channel },
            el("td", {}, clock(trace.at)),
            el("td", {}, t(`holder.channel.${trace.channel}`)),
            el("td", {}, t(`status.${trace.status}.headline`)),
          ),
        ),
      ),
    ),
  );
}

async function drawResult() {
  const response = await call(`?part=result&lang=${pageData.locale}`, { accept: "text/html" });
  const fragment = parseResultFragment(await response.text());
  if (fragment) replace(ui.result, fragment.node);
}

/** @param {HolderInfo} info */
function bindPresenting(info) {
  ui.presentIntro.textContent = t("holder.presentIntro", { minutes: Math.round(info.presentationTtlSeconds / 60) });
  ui.presentForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const fields = [...ui.presentFields.querySelectorAll("input:checked")].map(
      (input) => /** @type {HTMLInputElement} */ (input).value,
    );
    if (fields.length === 0) {
      ui.status.textContent = t("holder.presentNoFields");
      return;
    }
    call("/presentations", { method: "POST", body: { fields } })
      .then(async (response) => {
        const created = /** @type {{ code: string, url: string, expiresAt: string, qrSvg: string }} */ (
          await json(response)
        );
        const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(created.qrSvg)}`;
        replace(
          ui.liveCode,
          el("img", { class: "live-code__qr", src, alt: t("holder.presentQrAlt"), width: 288, height: 288 }),
          el("p", {}, t("holder.presentCode")),
          el(
            "p",
            { class: "live-code__digits", id: "live-digits" },
            `${created.code.slice(0, 4)} ${created.code.slice(4)}`,
          ),
          el("p", { class: "hint" }, t("holder.presentValidUntil", { time: clock(created.expiresAt) })),
        );
        await drawPresentations(info);
      })
      .catch(sayProblem);
  });
}

/** @param {string} presented */
async function open(presented) {
  secret = presented.trim();
  ui.status.textContent = t("holder.opening");
  try {
    const info = /** @type {HolderInfo} */ (await json(await call("")));
    ui.unlock.hidden = true;
    ui.main.hidden = false;
    ui.status.textContent = "";
    drawFieldChoices(info);
    bindPresenting(info);
    await Promise.all([drawResult(), drawPresentations(info), drawTraces()]);
  } catch (error) {
    ui.unlock.hidden = false;
    sayProblem(error);
  }
}

ui.unlockForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void open(ui.code.value);
});
ui.revoke.addEventListener("click", () => {
  if (!confirm(t("holder.revokeConfirm"))) return;
  call("/revoke", { method: "POST" })
    .then(() => {
      ui.main.hidden = true;
      ui.status.textContent = t("holder.revoked");
    })
    .catch(sayProblem);
});
bindLargeText(ui.largeText);

const fromLink = decodeURIComponent(location.hash.replace(/^#/, ""));
if (fromLink) void open(fromLink);
else ui.unlock.hidden = false;
