/* global document */
/**
 * A certificate form generated from a type's field schema (GET /api/v1/types, in the page data):
 * one labelled control per field, an error line under each, values read back as the API wants
 * them. Checking the values is the API's job; the form shows its answer field by field.
 */
import { el, replace } from "./dom.js";
import { pageData, t } from "./i18n.js";

/** @typedef {import("./i18n.js").ClientField} ClientField */
/** @typedef {import("./i18n.js").ClientType} ClientType */

const LONG_TEXT = 200;

/**
 * @param {ClientField} field
 * @param {string} id
 * @param {string} describedBy
 */
function control(field, id, describedBy) {
  const common = {
    id,
    name: field.name,
    "aria-describedby": describedBy,
    "aria-required": field.required ? "true" : null,
  };
  if (field.type === "enum" || field.type === "jurisdiction") {
    const options =
      field.type === "enum"
        ? (field.options ?? []).map((option) => el("option", { value: option.value }, option.label))
        : pageData.divisions.map((division) =>
            el("option", { value: division.code }, `${division.name} (${division.code})`),
          );
    return el("select", common, el("option", { value: "" }, t("console.choose")), options);
  }
  if (field.type === "string" && (field.maxLength ?? 0) > LONG_TEXT) {
    return el("textarea", { ...common, rows: 3, maxlength: field.maxLength });
  }
  if (field.type === "date") return el("input", { ...common, type: "date" });
  if (field.type === "integer") {
    return el("input", {
      ...common,
      type: "number",
      inputmode: "numeric",
      step: 1,
      min: field.minimum,
      max: field.maximum,
    });
  }
  const identifier = field.type === "uscc" || field.type === "resident-id";
  return el("input", {
    ...common,
    type: "text",
    maxlength: field.maxLength,
    spellcheck: identifier ? "false" : null,
    autocapitalize: identifier ? "characters" : null,
    autocomplete: "off",
  });
}

/**
 * @param {ClientField} field
 */
function hint(field) {
  if (field.type === "uscc") return t("console.hint.uscc");
  if (field.type === "resident-id") return t("console.hint.residentId");
  if (field.type === "integer" && field.unit) return t("console.hint.unit", { unit: field.unit });
  if (field.type === "string" && field.pattern === "^\\d{18}$") return t("console.hint.digits18");
  return "";
}

/**
 * Fills `container` with the fields of `type`; ids are `<prefix>-<field name>`.
 * @param {HTMLElement} container
 * @param {ClientType} type
 * @param {string} prefix
 */
export function buildFields(container, type, prefix) {
  replace(
    container,
    type.fields.map((field) => {
      const id = `${prefix}-${field.name}`;
      const hintText = hint(field);
      const describedBy = [hintText ? `${id}-hint` : "", `${id}-error`].filter(Boolean).join(" ");
      return el(
        "div",
        {
          class: `formfield${field.type === "string" && (field.maxLength ?? 0) > LONG_TEXT ? " formfield--wide" : ""}`,
        },
        el(
          "label",
          { for: id },
          field.label,
          field.required ? el("span", { class: "required" }, ` ${t("console.required")}`) : null,
        ),
        control(field, id, describedBy),
        hintText ? el("p", { class: "hint", id: `${id}-hint` }, hintText) : null,
        el("p", { class: "field-error", id: `${id}-error` }),
      );
    }),
  );
}

/**
 * The subject as the API takes it: empty fields left out, integers as numbers.
 * @param {HTMLFormElement} form
 * @param {ClientType} type
 * @returns {Record<string, string | number>}
 */
export function readSubject(form, type) {
  /** @type {Record<string, string | number>} */
  const subject = {};
  for (const field of type.fields) {
    const control = form.elements.namedItem(field.name);
    if (!(
      control instanceof HTMLInputElement ||
      control instanceof HTMLSelectElement ||
      control instanceof HTMLTextAreaElement
    ))
      continue;
    const value = control.value.trim();
    if (value === "") continue;
    subject[field.name] = field.type === "integer" && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return subject;
}

/**
 * Shows one message under a control and marks it invalid; returns whether the field exists.
 * @param {string} id the control's id
 * @param {string} message
 */
export function showFieldError(id, message) {
  const control = document.getElementById(id);
  const line = document.getElementById(`${id}-error`);
  if (!control || !line) return false;
  line.textContent = line.textContent ? `${line.textContent} ${message}` : message;
  control.setAttribute("aria-invalid", "true");
  return true;
}

/** @param {HTMLElement} scope */
export function clearErrors(scope) {
  for (const line of scope.querySelectorAll(".field-error, .form-error")) line.textContent = "";
  for (const control of scope.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
}
