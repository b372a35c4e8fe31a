import type { SQLInputValue } from "node:sqlite";
import type {
  HolderAccessRecord,
  HolderStore,
  PresentationRecord,
  UsageChannel,
  UsageTraceRecord,
} from "../holderPort.ts";
import type { SqliteDatabase } from "./database.ts";

type Row = Record<string, SQLInputValue>;

function text(v: SQLInputValue | undefined): string {
  if (typeof v === "string") return v;
  throw new TypeError(`expected a text column, got ${typeof v}`);
}
const textOrNull = (v: SQLInputValue | undefined): string | null => (v === null || v === undefined ? null : text(v));

function toPresentation(r: Row): PresentationRecord {
  return {
    id: text(r.id),
    certificateId: text(r.certificate_id),
    tokenHash: text(r.token_hash),
    codeHash: text(r.code_hash),
    fields: JSON.parse(text(r.fields)) as string[],
    createdAt: text(r.created_at),
    expiresAt: text(r.expires_at),
    withdrawnAt: textOrNull(r.withdrawn_at),
  };
}

function toTrace(r: Row): UsageTraceRecord {
  return {
    id: text(r.id),
    certificateId: text(r.certificate_id),
    at: text(r.at),
    channel: text(r.channel) as UsageChannel,
    status: text(r.status),
    presentationId: textOrNull(r.presentation_id),
  };
}

/** A certificate's holder access, replacing any earlier one; also written with the certificate itself (SqliteStore). */
export const PUT_HOLDER_ACCESS = `INSERT INTO holder_access (certificate_id, secret_hash, created_at, revoked_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (certificate_id) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at,
    revoked_at = excluded.revoked_at`;

/** `HolderStore` on the service's SQLite file (tables created by the store's migrations). */
export class SqliteHolderStore implements HolderStore {
  readonly #sqlite: SqliteDatabase;

  constructor(sqlite: SqliteDatabase) {
    this.#sqlite = sqlite;
  }

  #get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.#sqlite.statement(sql).get(...params);
  }

  #all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.#sqlite.statement(sql).all(...params);
  }

  #run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.#sqlite.statement(sql).run(...params).changes);
  }

  /** Written by the next group commit, with the certificates issued in the same moment. */
  putHolderAccess(records: readonly HolderAccessRecord[]): Promise<void> {
    return this.#sqlite.grouped(() => {
      for (const r of records) this.#run(PUT_HOLDER_ACCESS, r.certificateId, r.secretHash, r.createdAt, r.revokedAt);
    });
  }

  getHolderAccess(certificateId: string): Promise<HolderAccessRecord | null> {
    const r = this.#get("SELECT * FROM holder_access WHERE certificate_id = ?", certificateId);
    return Promise.resolve(
      r
        ? {
            certificateId: text(r.certificate_id),
            secretHash: text(r.secret_hash),
            createdAt: text(r.created_at),
            revokedAt: textOrNull(r.revoked_at),
          }
        : null,
    );
  }

  revokeHolderAccess(certificateId: string, at: string): Promise<boolean> {
    return Promise.resolve(
      this.#run(
        "UPDATE holder_access SET revoked_at = ? WHERE certificate_id = ? AND revoked_at IS NULL",
        at,
        certificateId,
      ) > 0,
    );
  }

  insertPresentation(p: PresentationRecord): Promise<void> {
    this.#run(
      `INSERT INTO presentations (id, certificate_id, token_hash, code_hash, fields, created_at, expires_at, withdrawn_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      p.id,
      p.certificateId,
      p.tokenHash,
      p.codeHash,
      JSON.stringify(p.fields),
      p.createdAt,
      p.expiresAt,
      p.withdrawnAt,
    );
    return Promise.resolve();
  }

  findPresentationByToken(tokenHash: string): Promise<PresentationRecord | null> {
    const r = this.#get("SELECT * FROM presentations WHERE token_hash = ?", tokenHash);
    return Promise.resolve(r ? toPresentation(r) : null);
  }

  findPresentationByCode(codeHash: string): Promise<PresentationRecord | null> {
    const r = this.#get(
      "SELECT * FROM presentations WHERE code_hash = ? ORDER BY created_at DESC, id DESC LIMIT 1",
      codeHash,
    );
    return Promise.resolve(r ? toPresentation(r) : null);
  }

  isCodeInUse(codeHash: string, at: string): Promise<boolean> {
    const r = this.#get(
      "SELECT 1 AS used FROM presentations WHERE code_hash = ? AND withdrawn_at IS NULL AND expires_at > ? LIMIT 1",
      codeHash,
      at,
    );
    return Promise.resolve(r !== undefined);
  }

  livePresentations(certificateId: string, at: string): Promise<PresentationRecord[]> {
    const rows = this.#all(
      "SELECT * FROM presentations WHERE certificate_id = ? AND withdrawn_at IS NULL AND expires_at > ? ORDER BY created_at DESC, id DESC",
      certificateId,
      at,
    );
    return Promise.resolve(rows.map(toPresentation));
  }

  withdrawPresentation(certificateId: string, presentationId: string, at: string): Promise<boolean> {
    const changed = this.#run(
      "UPDATE presentations SET withdrawn_at = ? WHERE id = ? AND certificate_id = ? AND withdrawn_at IS NULL AND expires_at > ?",
      at,
      presentationId,
      certificateId,
      at,
    );
    return Promise.resolve(changed > 0);
  }

  withdrawPresentations(certificateId: string, at: string): Promise<number> {
    return Promise.resolve(
      this.#run(
        "UPDATE presentations SET withdrawn_at = ? WHERE certificate_id = ? AND withdrawn_at IS NULL AND expires_at > ?",
        at,
        certificateId,
        at,
      ),
    );
  }

  prunePresentations(before: string): Promise<number> {
    return Promise.resolve(this.#run("DELETE FROM presentations WHERE expires_at < ?", before));
  }

  insertUsageTraces(traces: readonly UsageTraceRecord[]): Promise<void> {
    this.#sqlite.transaction(() => {
      for (const trace of traces) {
        this.#run(
          "INSERT INTO usage_traces (id, certificate_id, at, channel, status, presentation_id) VALUES (?, ?, ?, ?, ?, ?)",
          trace.id,
          trace.certificateId,
          trace.at,
          trace.channel,
          trace.status,
          trace.presentationId,
        );
      }
    });
    return Promise.resolve();
  }

  listUsageTraces(certificateId: string, since: string, limit: number): Promise<UsageTraceRecord[]> {
    const rows = this.#all(
      "SELECT * FROM usage_traces WHERE certificate_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT ?",
      certificateId,
      since,
      limit,
    );
    return Promise.resolve(rows.map(toTrace));
  }

  pruneUsageTraces(before: string): Promise<number> {
    return Promise.resolve(this.#run("DELETE FROM usage_traces WHERE at < ?", before));
  }
}
