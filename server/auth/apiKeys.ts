import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Store } from "../store/port.ts";
import type { ApiKeyRecord, ApiKeyRole } from "../store/records.ts";

/** A key looks like `clk_<id>_<secret>`: the id finds the record, only the secret's hash is stored. */
const KEY_PATTERN = /^clk_([0-9a-f]{16})_([0-9A-Za-z_-]{43})$/;

const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");

export interface IssuedApiKey {
  record: ApiKeyRecord;
  /** shown once to whoever created it; never stored */
  apiKey: string;
}

export async function createApiKey(
  store: Store,
  input: { agencyId: number | null; role: ApiKeyRole; label: string; now: Date },
): Promise<IssuedApiKey> {
  if (input.role === "issuer" && input.agencyId === null) throw new TypeError("an issuer key belongs to an agency");
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  const record: ApiKeyRecord = {
    id,
    hash: hashSecret(`${id}.${secret}`),
    agencyId: input.agencyId,
    role: input.role,
    label: input.label,
    createdAt: input.now.toISOString(),
    revokedAt: null,
  };
  await store.insertApiKey(record);
  return { record, apiKey: `clk_${id}_${secret}` };
}

/** The active key record for a presented key, or null (unknown, malformed or revoked). */
export async function authenticateApiKey(store: Store, presented: string): Promise<ApiKeyRecord | null> {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return null;
  const [, id, secret] = match;
  const expected = hashSecret(`${id ?? ""}.${secret ?? ""}`);
  const record = await store.findApiKeyByHash(expected);
  if (!record || record.revokedAt !== null || record.id !== id) return null;
  // the lookup was by hash already; the constant-time compare keeps that property if the lookup changes
  return timingSafeEqual(Buffer.from(record.hash, "hex"), Buffer.from(expected, "hex")) ? record : null;
}
