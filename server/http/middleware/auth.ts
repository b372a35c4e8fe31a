import type { RequestHandler, Response } from "express";
import { authenticateApiKey } from "../../auth/apiKeys.ts";
import type { Store } from "../../store/port.ts";
import type { ApiKeyRecord, ApiKeyRole } from "../../store/records.ts";
import { HttpError } from "../errors.ts";

/**
 * Requires `Authorization: Bearer <api key>` of one of `roles`; the record lands in `res.locals.apiKey`.
 * What a key reads may hold personal data (subject fields, the holder's document): no cache keeps
 * it unless the route says otherwise (a QR code holds only the public link).
 */
export function requireApiKey(store: Store, roles: readonly ApiKeyRole[]): RequestHandler {
  return (req, res, next) => {
    res.set("Cache-Control", "no-store");
    const header = req.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      next(new HttpError("UNAUTHENTICATED", "An API key is required: Authorization: Bearer <key>"));
      return;
    }
    authenticateApiKey(store, match[1]).then(
      (record) => {
        if (!record) {
          next(new HttpError("UNAUTHENTICATED", "The API key is not valid"));
          return;
        }
        if (!roles.includes(record.role)) {
          next(new HttpError("FORBIDDEN", `This endpoint needs a key with role ${roles.join(" or ")}`));
          return;
        }
        res.locals.apiKey = record;
        next();
      },
      (error: unknown) => {
        next(error);
      },
    );
  };
}

export function apiKeyOf(res: Response): ApiKeyRecord {
  const key = res.locals.apiKey as ApiKeyRecord | undefined;
  if (!key) throw new HttpError("UNAUTHENTICATED", "An API key is required");
  return key;
}

/** Whether a key may read certificates of `agencyId`: auditors read all, issuers their own agency's. */
export const canRead = (key: ApiKeyRecord, agencyId: number): boolean =>
  key.role === "auditor" || key.agencyId === agencyId;
