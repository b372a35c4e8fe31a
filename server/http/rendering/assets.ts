import { fileURLToPath } from "node:url";

/** URL path of the one stylesheet every page shares. */
export const STYLESHEET_PATH = "/static/css/app.css";

/** URL prefix under which STATIC_DIR is served. */
export const STATIC_URL_PREFIX = "/static";

/** Folder holding the static assets (css/app.css), for `express.static`. */
export const STATIC_DIR = fileURLToPath(new URL("../static", import.meta.url));
