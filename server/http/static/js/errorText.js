import { ApiError } from "./api.js";
import { t } from "./i18n.js";

/**
 * What the staff pages say when an API call failed for a reason other than the key.
 * @param {unknown} error
 */
export function apiErrorText(error) {
  if (error instanceof ApiError && error.status === 403) return t("console.error.forbidden");
  if (error instanceof ApiError && error.status > 0)
    return t("console.error.api", { code: error.code, message: error.message });
  return t("console.error.network");
}
