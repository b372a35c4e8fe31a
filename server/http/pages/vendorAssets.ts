import { createRequire } from "node:module";
import type { RequestHandler } from "express";

const require = createRequire(import.meta.url);

/**
 * Browser builds of installed libraries, served from node_modules by name so nothing is copied
 * into the repository and no page needs a CDN: URL path under /static/vendor -> file.
 */
const VENDOR_FILES: Readonly<Record<string, string>> = {
  "/jsqr.js": require.resolve("jsqr/dist/jsQR.js"),
  "/jszip.js": require.resolve("jszip/dist/jszip.min.js"),
  "/csv-parse.js": require.resolve("csv-parse/browser/esm/sync"),
};

export const VENDOR_URL_PREFIX = "/static/vendor";

export function vendorAssets(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      next();
      return;
    }
    const file = Object.hasOwn(VENDOR_FILES, req.path) ? VENDOR_FILES[req.path] : undefined;
    if (file === undefined) {
      next();
      return;
    }
    res.type("text/javascript").sendFile(file, { maxAge: "1d", immutable: false }, (error) => {
      if (error) next(error);
    });
  };
}
