/* global document, localStorage */
/**
 * Large-type, high-contrast mode for older readers, remembered on this device (localStorage):
 * every page that loads this module shows it the same way.
 */
const KEY = "certledger.largeText";

function stored() {
  try {
    return localStorage.getItem(KEY) === "1";
  } catch {
    return false;
  }
}

/** @param {boolean} on */
function apply(on) {
  document.documentElement.classList.toggle("large-text", on);
}

apply(stored());

/**
 * Wires a checkbox to the mode.
 * @param {HTMLInputElement} checkbox
 */
export function bindLargeText(checkbox) {
  checkbox.checked = stored();
  checkbox.addEventListener("change", () => {
    apply(checkbox.checked);
    try {
      localStorage.setItem(KEY, checkbox.checked ? "1" : "0");
    } catch {
      // private browsing may refuse storage: the mode still applies to this visit
    }
  });
}
