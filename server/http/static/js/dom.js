/* global document, setTimeout */
/**
 * Element building without innerHTML: every text goes in as a text node, so values from the
 * API or from a file can never become markup, with control and bidirectional characters shown.
 */
import { visible } from "./visibleText.js";

/** @typedef {string | number | boolean | null | undefined} AttrValue */
/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, AttrValue>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

/**
 * @param {Element} node
 * @param {(Child | Child[])[]} children
 */
export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "number" ? String(child) : typeof child === "string" ? visible(child) : child);
  }
}

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} kind
 * @returns {T}
 */
export function byId(id, kind) {
  const node = document.getElementById(id);
  if (!(node instanceof kind)) throw new Error(`page element #${id} is missing`);
  return node;
}

/** @param {Element} node @param {...(Child | Child[])} children */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

/**
 * The verdict icon rendered by the server into `<template data-icon>`.
 * @param {string} tone
 * @returns {Node | null}
 */
export function toneIcon(tone) {
  const template = document.querySelector(`template[data-icon="${tone}"]`);
  return template instanceof HTMLTemplateElement ? template.content.cloneNode(true) : null;
}

/**
 * Saves a Blob under a file name through a temporary object URL.
 * @param {Blob} blob
 * @param {string} name
 */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}

/**
 * Loads a classic vendor script once (it sets a global), same origin only.
 * @param {string} src
 * @returns {Promise<void>}
 */
export function loadScript(src) {
  const existing = document.querySelector(`script[data-vendor="${src}"]`);
  if (existing) return /** @type {Promise<void>} */ (loaded.get(src) ?? Promise.resolve());
  const promise = new Promise((resolve, reject) => {
    const script = el("script", { src, "data-vendor": src });
    script.addEventListener("load", () => {
      resolve(undefined);
    });
    script.addEventListener("error", () => {
      reject(new Error(`could not load ${src}`));
    });
    document.head.append(script);
  });
  loaded.set(src, promise);
  return promise;
}

/** @type {Map<string, Promise<unknown>>} */
const loaded = new Map();
