import type pg from "pg";
import type {
  HolderAccessRecord,
  HolderStore,
  PresentationRecord,
  UsageChannel,
  UsageTraceRecord,
} from "../holderPort.ts";

type Row = Record<string, unknown>;
type Queryable = Pick<pg.PoolClient, "query">;

function str(v: unknown): string {
  if (typeof v === "string") return v;
  throw new TypeError(`expected a text column, got ${typeof v}`);
}
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));

function toPresentation(r: Row): PresentationRecord {
  return {
    id: str(r.id),
    certificateId: str(r.certificate_id),
    tokenHash: str(r.token_hash),
    codeHash: str(r.code_hash),
    fields: JSON.parse(str(r.fields)) as string[],
    createdAt: str(r.created_at),
    expiresAt: str(r.expires_at),
    withdrawnAt: strOrNull(r.withdrawn_at),
  };
}

function toTrace(r: Row): UsageTraceRecord {
  return {
    id: str(r.id),
    certificateId: str(r.certificate_id),
    at: str(r.at),
    channel: str(r.channel) as UsageChannel,
    status: str(r.status),
    presentationId: strOrNull(r.presentation_id),
  };
}

/** `HolderStore` on the shared PostgreSQL database (tables from migration 2 of the PostgreSQL store). */
export class PgHolderStore implements HolderStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async #rows(sql: string, params: unknown[], on: Queryable = this.#pool): Promise<Row[]> {
    return (await on.query<Row>(sql, params)).rows;
  }

  async #run(sql: string, params: unknown[], on: Queryable = this.#pool): Promise<number> {
    return (await on.query(sql, params)).rowCount ?? 0;
  }

  async #transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query("BEGIN");
      await work(client);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async putHolderAccess(records: readonly HolderAccessRecord[]): Promise<void> {
    // One statement for the whole grant (a request of 1,000 certificates was 1,000 round trips).
    // ON CONFLICT may touch a row once per statement, so a repeated certificate keeps its last record,
    // as it would have row by row.
    const last = new Map(records.map((r) => [r.certificateId, r]));
    if (last.size === 0) return;
    await this.#run(
      `INSERT INTO holder_access (certificate_id, secret_hash, created_at, revoked_at)
       SELECT certificate_id, secret_hash, created_at, revoked_at
       FROM json_to_recordset($1::json) AS t (certificate_id text, secret_hash text, created_at text, revoked_at text)
       ON CONFLICT (certificate_id) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at,
         revoked_at = excluded.revoked_at`,
      [
        JSON.stringify(
          [...last.values()].map((r) => ({
            certificate_id: r.certificateId,
            secret_hash: r.secretHash,
            created_at: r.createdAt,
            revoked_at: r.revokedAt,
          })),
        ),
      ],
    );
  }

  async getHolderAccess(certificateId: string): Promise<HolderAccessRecord | null> {
    const [r] = await this.#rows("SELECT * FROM holder_access WHERE certificate_id = $1", [certificateId]);
    return r
      ? {
          certificateId: str(r.certificate_id),
          secretHash: str(r.secret_hash),
          createdAt: str(r.created_at),
          revokedAt: strOrNull(r.revoked_at),
        }
      : null;
  }

  async revokeHolderAccess(certificateId: string, at: string): Promise<boolean> {
    return (
      (await this.#run("UPDATE holder_access SET revoked_at = $1 WHERE certificate_id = $2 AND revoked_at IS NULL", [
        at,
        certificateId,
      ])) > 0
    );
  }

  async insertPresentation(p: PresentationRecord): Promise<void> {
    await this.#run(
      `INSERT INTO presentations (id, certificate_id, token_hash, code_hash, fields, created_at, expires_at, withdrawn_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        p.id,
        p.certificateId,
        p.tokenHash,
        p.codeHash,
        JSON.stringify(p.fields),
        p.createdAt,
        p.expiresAt,
        p.withdrawnAt,
      ],
    );
  }

  async findPresentationByToken(tokenHash: string): Promise<PresentationRecord | null> {
    const [r] = await this.#rows("SELECT * FROM presentations WHERE token_hash = $1", [tokenHash]);
    return r ? toPresentation(r) : null;
  }

  async findPresentationByCode(codeHash: string): Promise<PresentationRecord | null> {
    const [r] = await this.#rows(
      "SELECT * FROM presentations WHERE code_hash = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
      [codeHash],
    );
    return r ? toPresentation(r) : null;
  }

  async isCodeInUse(codeHash: string, at: string): Promise<boolean> {
    const rows = await this.#rows(
      "SELECT 1 FROM presentations WHERE code_hash = $1 AND withdrawn_at IS NULL AND expires_at > $2 LIMIT 1",
      [codeHash, at],
    );
    return rows.length > 0;
  }

  async livePresentations(certificateId: string, at: string): Promise<PresentationRecord[]> {
    const rows = await this.#rows(
      "SELECT * FROM presentations WHERE certificate_id = $1 AND withdrawn_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id DESC",
      [certificateId, at],
    );
    return rows.map(toPresentation);
  }

  async withdrawPresentation(certificateId: string, presentationId: string, at: string): Promise<boolean> {
    const changed = await this.#run(
      "UPDATE presentations SET withdrawn_at = $1 WHERE id = $2 AND certificate_id = $3 AND withdrawn_at IS NULL AND expires_at > $1",
      [at, presentationId, certificateId],
    );
    return changed > 0;
  }

  withdrawPresentations(certificateId: string, at: string): Promise<number> {
    return this.#run(
      "UPDATE presentations SET withdrawn_at = $1 WHERE certificate_id = $2 AND withdrawn_at IS NULL AND expires_at > $1",
      [at, certificateId],
    );
  }

  prunePresentations(before: string): Promise<number> {
    return this.#run("DELETE FROM presentations WHERE expires_at < $1", [before]);
  }

  async insertUsageTraces(traces: readonly UsageTraceRecord[]): Promise<void> {
    await this.#transaction(async (client) => {
      for (const trace of traces) {
        await this.#run(
          "INSERT INTO usage_traces (id, certificate_id, at, channel, status, presentation_id) VALUES ($1, $2, $3, $4, $5, $6)",
          [trace.id, trace.certificateId, trace.at, trace.channel, trace.status, trace.presentationId],
          client,
        );
      }
    });
  }

  async listUsageTraces(certificateId: string, since: string, limit: number): Promise<UsageTraceRecord[]> {
    const rows = await this.#rows(
      "SELECT * FROM usage_traces WHERE certificate_id = $1 AND at >= $2 ORDER BY at DESC, id DESC LIMIT $3",
      [certificateId, since, limit],
    );
    return rows.map(toTrace);
  }

  pruneUsageTraces(before: string): Promise<number> {
    return this.#run("DELETE FROM usage_traces WHERE at < $1", [before]);
  }
}
