import pg from "pg";
import { FencedOutError, StatusOpPendingError } from "../errors.ts";
import { UNFINISHED_STATUS_OP_INDEX } from "../oneUnfinishedStatusOp.ts";
import { encodeProofNodes } from "../proofNodes.ts";
import {
  signerLeaseName,
  type AnchoredBatch,
  type CompletedStatusOp,
  type NewBatch,
  type NewStatusOp,
  type PendingGroup,
  type Store,
} from "../port.ts";
import type {
  AgencyRecord,
  ApiKeyRecord,
  BatchLeaf,
  BatchRecord,
  BatchState,
  CertificateQuery,
  CertificateRecord,
  CertificateStanding,
  CertificateSummary,
  CertificateState,
  IdempotencyRecord,
  NewCertificate,
  StatusOpRecord,
  StatusOpState,
} from "../records.ts";
import type { HolderStore } from "../holderPort.ts";
import { applyMigrations } from "./migrate.ts";
import { PgHolderStore } from "./pgHolderStore.ts";

import {
  type Row,
  SUMMARY_COLUMNS,
  num,
  str,
  strOrNull,
  toAgency,
  toApiKey,
  toBatch,
  toBatchLeaf,
  toCertificate,
  BATCH_ANCHOR_COLUMNS,
  toStanding,
  toStatusOp,
  toSummary,
} from "../rowMapping.ts";

type Queryable = Pick<pg.PoolClient, "query">;

/** PostgreSQL's SQLSTATE for a unique index refusing a row */
const UNIQUE_VIOLATION = "23505";

/** A certificate with its document and what its batch adds to the proof: `... WHERE c.id = $1`. */
const CERTIFICATE_WITH_ANCHOR = `SELECT c.*, d.document, ${BATCH_ANCHOR_COLUMNS} FROM certificates c
  JOIN certificate_documents d ON d.id = c.id LEFT JOIN batches b ON b.id = c.batch_id`;

export interface PgStoreOptions {
  /** connections in the pool; the service's writes are short, a handful per replica is plenty */
  maxConnections?: number;
  applicationName?: string;
}

/**
 * The scale-out store: PostgreSQL through `pg` (pure JavaScript), shared by any number of service
 * replicas. Same records, same orderings and same atomic units as the SQLite adapter (the
 * conformance suite in test/store/ holds both to it); leases and their fencing tokens live here too,
 * timed by the database's clock so replicas' clocks need not agree.
 */
export class PgStore implements Store {
  readonly #pool: pg.Pool;
  /** fencing tokens of the leases this instance holds */
  readonly #held = new Set<number>();
  /** the holder's secrets, presentations and usage traces, in the same database */
  readonly holder: HolderStore;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.holder = new PgHolderStore(pool);
  }

  /** Connects and applies pending migrations (under a lock: replicas may start together). */
  static async open(connectionString: string, options: PgStoreOptions = {}): Promise<PgStore> {
    const pool = new pg.Pool({
      connectionString,
      max: options.maxConnections ?? 10,
      application_name: options.applicationName ?? "certledger",
      connectionTimeoutMillis: 10_000,
    });
    // An idle connection dropped by the server must not crash the process: the next query reconnects.
    pool.on("error", () => undefined);
    try {
      await applyMigrations(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PgStore(pool);
  }

  async #rows(sql: string, params: unknown[] = [], on: Queryable = this.#pool): Promise<Row[]> {
    return (await on.query<Row>(sql, params)).rows;
  }

  async #row(sql: string, params: unknown[] = [], on: Queryable = this.#pool): Promise<Row | undefined> {
    return (await on.query<Row>(sql, params)).rows[0];
  }

  async #run(sql: string, params: unknown[] = [], on: Queryable = this.#pool): Promise<number> {
    return (await on.query(sql, params)).rowCount ?? 0;
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Inside a write transaction: refuses the write unless no lease on the signer was ever granted or
   * this instance holds its current token. FOR SHARE keeps a takeover waiting until this commits.
   */
  async #fence(client: pg.PoolClient, signer: string): Promise<void> {
    const row = await this.#row(
      "SELECT token FROM leases WHERE name = $1 FOR SHARE",
      [signerLeaseName(signer)],
      client,
    );
    if (row && !this.#held.has(num(row.token))) throw new FencedOutError(signer);
  }

  async #fenceOf(client: pg.PoolClient, table: "batches" | "status_ops", id: number): Promise<void> {
    const row = await this.#row(`SELECT signer FROM ${table} WHERE id = $1`, [id], client);
    if (row) await this.#fence(client, str(row.signer));
  }

  async ping(): Promise<void> {
    await this.#pool.query("SELECT 1");
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async getMeta(key: string): Promise<string | null> {
    return strOrNull((await this.#row("SELECT value FROM meta WHERE key = $1", [key]))?.value);
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.#run(
      "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [key, value],
    );
  }

  async upsertAgency(a: AgencyRecord): Promise<void> {
    await this.#run(
      `INSERT INTO agencies (agency_id, name, name_en, jurisdiction, signer, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (agency_id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
         jurisdiction = excluded.jurisdiction, signer = excluded.signer`,
      [a.agencyId, a.name, a.nameEn, a.jurisdiction, a.signer, a.createdAt],
    );
  }

  async getAgency(agencyId: number): Promise<AgencyRecord | null> {
    const row = await this.#row("SELECT * FROM agencies WHERE agency_id = $1", [agencyId]);
    return row ? toAgency(row) : null;
  }

  async listAgencies(): Promise<AgencyRecord[]> {
    return (await this.#rows("SELECT * FROM agencies ORDER BY agency_id")).map(toAgency);
  }

  async insertApiKey(k: ApiKeyRecord): Promise<void> {
    await this.#run(
      "INSERT INTO api_keys (id, hash, agency_id, role, label, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      [k.id, k.hash, k.agencyId, k.role, k.label, k.createdAt, k.revokedAt],
    );
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    const row = await this.#row("SELECT * FROM api_keys WHERE hash = $1", [hash]);
    return row ? toApiKey(row) : null;
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (await this.#rows("SELECT * FROM api_keys ORDER BY created_at, id")).map(toApiKey);
  }

  async revokeApiKey(id: string, revokedAt: string): Promise<boolean> {
    return (
      (await this.#run("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", [revokedAt, id])) > 0
    );
  }

  async insertCertificates(certificates: NewCertificate[], idempotency?: IdempotencyRecord): Promise<void> {
    // One statement for the whole request, its documents and holder access, however many
    // certificates (a foreign key is checked at the statement's end, after its parent rows). The rows
    // travel as one JSON parameter: Node encodes JSON natively, where pg's array literals are escaped
    // in JavaScript.
    const rows = JSON.stringify(
      certificates.map((c) => ({
        id: c.id,
        agency_id: c.agencyId,
        type: c.type,
        type_id: c.typeId,
        leaf: c.leaf,
        document: JSON.stringify(c.document),
        supersedes: c.supersedes,
        issued_by_key: c.issuedByKey,
        created_at: c.createdAt,
        holder_secret_hash: c.holderSecretHash ?? null,
      })),
    );
    const insert = async (on: Queryable): Promise<void> => {
      await this.#run(
        `WITH t AS (
           SELECT * FROM json_to_recordset($1::json)
             AS t (id text, agency_id int, type text, type_id int, leaf text, document text, supersedes text, issued_by_key text, created_at text, holder_secret_hash text)
         ), documents AS (INSERT INTO certificate_documents (id, document) SELECT id, document FROM t),
         holders AS (
           INSERT INTO holder_access (certificate_id, secret_hash, created_at, revoked_at)
           SELECT id, holder_secret_hash, created_at, NULL FROM t WHERE holder_secret_hash IS NOT NULL
         )
         INSERT INTO certificates (id, agency_id, type, type_id, leaf, state, supersedes, issued_by_key, created_at)
         SELECT id, agency_id, type, type_id, leaf, 'pending', supersedes, issued_by_key, created_at FROM t`,
        [rows],
        on,
      );
    };
    if (!idempotency) {
      await insert(this.#pool);
      return;
    }
    await this.#transaction(async (client) => {
      await insert(client);
      await this.#run(
        "INSERT INTO idempotency (api_key_id, key, request_hash, response, created_at) VALUES ($1, $2, $3, $4, $5)",
        [
          idempotency.apiKeyId,
          idempotency.key,
          idempotency.requestHash,
          JSON.stringify(idempotency.response),
          idempotency.createdAt,
        ],
        client,
      );
    });
  }

  async getIdempotency(apiKeyId: string, key: string): Promise<IdempotencyRecord | null> {
    const row = await this.#row("SELECT * FROM idempotency WHERE api_key_id = $1 AND key = $2", [apiKeyId, key]);
    return row
      ? {
          apiKeyId,
          key,
          requestHash: str(row.request_hash),
          response: JSON.parse(str(row.response)) as unknown,
          createdAt: str(row.created_at),
        }
      : null;
  }

  async getCertificate(id: string): Promise<CertificateRecord | null> {
    const row = await this.#row(`${CERTIFICATE_WITH_ANCHOR} WHERE c.id = $1`, [id]);
    return row ? toCertificate(row) : null;
  }

  async queryCertificates(q: CertificateQuery): Promise<CertificateSummary[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (column: string, op: string, value: unknown): void => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} ${op} $${params.length}`);
    };
    add("agency_id", "=", q.agencyId);
    add("type", "=", q.type);
    add("state", "=", q.state);
    add("status", "=", q.status);
    // spelled out so that the planner may use the small index of certificates not active
    if (q.status !== undefined && q.status !== "active") where.push("status <> 'active'");
    add("created_at", ">=", q.createdFrom);
    add("created_at", "<=", q.createdTo);
    add("id", ">", q.after);
    params.push(q.limit);
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM certificates ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id LIMIT $${params.length}`;
    return (await this.#rows(sql, params)).map(toSummary);
  }

  /**
   * The few not anchored through their partial index (or the whole table, small rows since documents
   * moved out, while the planner's statistics still see most rows waiting, as in a new database
   * under a burst of issuance); the anchored from their batches, in one
   * statement (one snapshot). A certificate is anchored exactly when its batch is (markBatchAnchored
   * and markBatchUnsent move both in one transaction), and the table's count, which SQLite answers
   * from an index, read every row here: 136 ms at 100,000 under load, once per anchored batch while
   * /metrics is watched.
   */
  async countCertificates(): Promise<Record<CertificateState, number>> {
    const counts: Record<CertificateState, number> = { pending: 0, anchored: 0, failed: 0 };
    const rows = await this.#rows(
      `SELECT state, COUNT(*) AS n FROM certificates WHERE state <> 'anchored' GROUP BY state
       UNION ALL SELECT 'anchored', COALESCE(SUM(size), 0) FROM batches WHERE state = 'anchored'`,
    );
    for (const row of rows) counts[str(row.state) as CertificateState] = num(row.n);
    return counts;
  }

  async findSuccessors(id: string): Promise<string[]> {
    return (await this.#rows("SELECT id FROM certificates WHERE supersedes = $1 ORDER BY id DESC", [id])).map((r) =>
      str(r.id),
    );
  }

  async getCertificateStanding(id: string): Promise<CertificateStanding | null> {
    const row = await this.#row(
      `SELECT id, leaf, state, status, status_updated_at, anchored_at,
         ARRAY(SELECT s.id FROM certificates s WHERE s.supersedes = c.id ORDER BY s.id DESC) AS successors
       FROM certificates c WHERE c.id = $1`,
      [id],
    );
    return row ? { ...toStanding(row), successors: (row.successors as unknown[]).map(str) } : null;
  }

  async pendingGroups(): Promise<PendingGroup[]> {
    const rows = await this.#rows(
      `SELECT agency_id, type_id, COUNT(*) AS n, MIN(created_at) AS oldest FROM certificates
       WHERE batch_id IS NULL AND state = 'pending' GROUP BY agency_id, type_id ORDER BY agency_id, type_id`,
    );
    return rows.map((r) => ({
      agencyId: num(r.agency_id),
      typeId: num(r.type_id),
      count: num(r.n),
      oldestCreatedAt: str(r.oldest),
    }));
  }

  async takePending(agencyId: number, typeId: number, limit: number): Promise<CertificateSummary[]> {
    const rows = await this.#rows(
      `SELECT ${SUMMARY_COLUMNS} FROM certificates WHERE agency_id = $1 AND type_id = $2 AND batch_id IS NULL AND state = 'pending'
       ORDER BY id LIMIT $3`,
      [agencyId, typeId, limit],
    );
    return rows.map(toSummary);
  }

  async createBatch(b: NewBatch): Promise<BatchRecord> {
    return this.#transaction(async (client) => {
      await this.#fence(client, b.signer);
      const row = await this.#row(
        `INSERT INTO batches (agency_id, type_id, root, size, state, signer, created_at)
         VALUES ($1, $2, $3, $4, 'prepared', $5, $6) RETURNING *`,
        [b.agencyId, b.typeId, b.root, b.members.length, b.signer, b.createdAt],
        client,
      );
      if (!row) throw new Error("batch insert returned no row");
      const created = toBatch(row);
      const changed = await this.#run(
        `UPDATE certificates c SET batch_id = $1, leaf_index = m.ordinal - 1
         FROM unnest($2::text[]) WITH ORDINALITY AS m (id, ordinal)
         WHERE c.id = m.id AND c.batch_id IS NULL`,
        [created.id, b.members],
        client,
      );
      if (changed !== b.members.length || new Set(b.members).size !== b.members.length) {
        throw new Error(`some of the ${b.members.length} certificates are already in a batch`);
      }
      return created;
    });
  }

  async markBatchSent(batchId: number, nonce: number, txHash: string): Promise<void> {
    await this.#transaction(async (client) => {
      await this.#fenceOf(client, "batches", batchId);
      await this.#run(
        "UPDATE batches SET state = 'sent', nonce = $1, tx_hash = $2 WHERE id = $3 AND state <> 'anchored'",
        [nonce, txHash, batchId],
        client,
      );
    });
  }

  async markBatchAnchored(batchId: number, a: AnchoredBatch): Promise<void> {
    await this.#transaction(async (client) => {
      await this.#fenceOf(client, "batches", batchId);
      await this.#run(
        `UPDATE batches SET state = 'anchored', tx_hash = $1, block_number = $2, anchored_at = $3, chain_id = $4, ledger = $5
         WHERE id = $6`,
        [a.txHash, a.blockNumber, a.anchoredAt, a.chainId, a.ledger, batchId],
        client,
      );
      await this.#run(
        `UPDATE certificates c SET state = 'anchored', proof = d.proof, anchored_at = $1
         FROM unnest($2::text[], $3::bytea[]) AS d (id, proof) WHERE c.id = d.id AND c.batch_id = $4`,
        [a.anchoredAt, a.proofs.map((p) => p.id), a.proofs.map((p) => encodeProofNodes(p.proof)), batchId],
        client,
      );
    });
  }

  async markBatchUnsent(batchId: number): Promise<void> {
    await this.#transaction(async (client) => {
      await this.#fenceOf(client, "batches", batchId);
      await this.#run(
        `UPDATE batches SET state = 'prepared', nonce = NULL, tx_hash = NULL, block_number = NULL, anchored_at = NULL,
         chain_id = NULL, ledger = NULL WHERE id = $1`,
        [batchId],
        client,
      );
      await this.#run(
        "UPDATE certificates SET state = 'pending', proof = NULL, anchored_at = NULL WHERE batch_id = $1",
        [batchId],
        client,
      );
    });
  }

  async getBatch(batchId: number): Promise<BatchRecord | null> {
    const row = await this.#row("SELECT * FROM batches WHERE id = $1", [batchId]);
    return row ? toBatch(row) : null;
  }

  async getBatchByRoot(root: string): Promise<BatchRecord | null> {
    const row = await this.#row("SELECT * FROM batches WHERE root = $1", [root]);
    return row ? toBatch(row) : null;
  }

  async listBatches(states: BatchState[]): Promise<BatchRecord[]> {
    return (await this.#rows("SELECT * FROM batches WHERE state = ANY($1::text[]) ORDER BY id", [states])).map(toBatch);
  }

  async batchMembers(batchId: number): Promise<CertificateRecord[]> {
    return (await this.#rows(`${CERTIFICATE_WITH_ANCHOR} WHERE c.batch_id = $1 ORDER BY c.leaf_index`, [batchId])).map(
      toCertificate,
    );
  }

  async batchLeaves(batchId: number): Promise<BatchLeaf[]> {
    return (
      await this.#rows("SELECT id, leaf FROM certificates WHERE batch_id = $1 ORDER BY leaf_index", [batchId])
    ).map(toBatchLeaf);
  }

  async createStatusOp(op: NewStatusOp): Promise<StatusOpRecord> {
    const row = await this.#row(
      `INSERT INTO status_ops (certificate_id, kind, reason, note, state, signer, requested_by, created_at)
       VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7) RETURNING *`,
      [op.certificateId, op.kind, op.reason, op.note, op.signer, op.requestedBy, op.createdAt],
    ).catch((error: unknown) => {
      const { code, constraint } = error as { code?: unknown; constraint?: unknown };
      if (code === UNIQUE_VIOLATION && constraint === UNFINISHED_STATUS_OP_INDEX)
        throw new StatusOpPendingError(op.certificateId, { cause: error });
      throw error;
    });
    if (!row) throw new Error("status operation insert returned no row");
    return toStatusOp(row);
  }

  async markStatusOpSent(opId: number, nonce: number, txHash: string): Promise<void> {
    await this.#transaction(async (client) => {
      await this.#fenceOf(client, "status_ops", opId);
      await this.#run(
        "UPDATE status_ops SET state = 'sent', nonce = $1, tx_hash = $2 WHERE id = $3 AND state IN ('pending', 'sent')",
        [nonce, txHash, opId],
        client,
      );
    });
  }

  async completeStatusOp(opId: number, done: CompletedStatusOp): Promise<void> {
    await this.#transaction(async (client) => {
      await this.#fenceOf(client, "status_ops", opId);
      const row = await this.#row(
        "UPDATE status_ops SET state = 'done', tx_hash = $1, block_number = $2, done_at = $3, error = NULL WHERE id = $4 RETURNING certificate_id, note",
        [done.txHash, done.blockNumber, done.doneAt, opId],
        client,
      );
      if (!row) throw new Error(`status operation ${opId} not found`);
      await this.#run(
        "UPDATE certificates SET status = $1, status_reason = $2, status_note = $3, status_updated_at = $4 WHERE id = $5",
        [done.status, done.statusReason, row.note ?? null, done.doneAt, row.certificate_id],
        client,
      );
    });
  }

  async failStatusOp(opId: number, error: string): Promise<void> {
    await this.#transaction(async (client) => {
      await this.#fenceOf(client, "status_ops", opId);
      await this.#run(
        "UPDATE status_ops SET state = 'failed', error = $1 WHERE id = $2 AND state <> 'done'",
        [error, opId],
        client,
      );
    });
  }

  async markStatusOpUnsent(opId: number): Promise<void> {
    await this.#transaction(async (client) => {
      await this.#fenceOf(client, "status_ops", opId);
      await this.#run(
        "UPDATE status_ops SET state = 'pending', nonce = NULL, tx_hash = NULL WHERE id = $1 AND state = 'sent'",
        [opId],
        client,
      );
    });
  }

  async getStatusOp(opId: number): Promise<StatusOpRecord | null> {
    const row = await this.#row("SELECT * FROM status_ops WHERE id = $1", [opId]);
    return row ? toStatusOp(row) : null;
  }

  async listStatusOps(states: StatusOpState[]): Promise<StatusOpRecord[]> {
    return (await this.#rows("SELECT * FROM status_ops WHERE state = ANY($1::text[]) ORDER BY id", [states])).map(
      toStatusOp,
    );
  }

  async unfinishedStatusOp(certificateId: string): Promise<StatusOpRecord | null> {
    const row = await this.#row(
      "SELECT * FROM status_ops WHERE certificate_id = $1 AND state IN ('pending', 'sent') ORDER BY id LIMIT 1",
      [certificateId],
    );
    return row ? toStatusOp(row) : null;
  }

  async statusHistory(certificateId: string): Promise<StatusOpRecord[]> {
    return (
      await this.#rows("SELECT * FROM status_ops WHERE certificate_id = $1 AND state = 'done' ORDER BY id", [
        certificateId,
      ])
    ).map(toStatusOp);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<number | null> {
    const row = await this.#row(
      `INSERT INTO leases (name, holder, token, expires_at)
       VALUES ($1, $2, nextval('lease_tokens'), clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET
         holder = excluded.holder,
         token = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > clock_timestamp() THEN leases.token ELSE excluded.token END,
         expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= clock_timestamp()
       RETURNING token`,
      [name, holder, ttlMs],
    );
    if (!row) return null;
    const token = num(row.token);
    this.#held.add(token);
    return token;
  }

  async renewLease(name: string, holder: string, token: number, ttlMs: number): Promise<boolean> {
    const renewed =
      (await this.#run(
        `UPDATE leases SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
         WHERE name = $1 AND holder = $2 AND token = $3 AND expires_at > clock_timestamp()`,
        [name, holder, token, ttlMs],
      )) === 1;
    if (!renewed) this.#held.delete(token);
    return renewed;
  }

  async releaseLease(name: string, holder: string, token: number): Promise<void> {
    await this.#run("UPDATE leases SET expires_at = clock_timestamp() WHERE name = $1 AND holder = $2 AND token = $3", [
      name,
      holder,
      token,
    ]);
    this.#held.delete(token);
  }
}
