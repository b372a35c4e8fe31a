/* global window */
/**
 * All QR codes of a bulk run in one ZIP, built in the browser from the service's PNGs (fetched
 * with the officer key, a few at a time) with an index.csv that maps rows to certificates.
 */
import { fetchBlob } from "./api.js";
import { loadScript } from "./dom.js";
import { toCsv } from "./bulk.js";

const PARALLEL = 4;

/**
 * @param {import("./bulk.js").Issued[]} issued
 * @param {string} key
 * @param {(done: number, total: number) => void} progress
 */
export async function qrZip(issued, key, progress) {
  await loadScript("/static/vendor/jszip.js");
  const JSZip = window.JSZip;
  if (!JSZip) throw new Error("JSZip did not load");
  const zip = new JSZip();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < issued.length) {
      const entry = issued[next++];
      if (!entry) continue;
      const png = await fetchBlob(`/api/v1/certificates/${entry.id}/qr.png`, key);
      zip.file(`qr/row-${String(entry.row).padStart(5, "0")}-${entry.id}.png`, png);
      progress(++done, issued.length);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  zip.file("index.csv", toCsv([["row", "id", "verifyUrl"], ...issued.map((e) => [e.row, e.id, e.verifyUrl])]));
  return zip.generateAsync({ type: "blob", compression: "STORE" });
}
