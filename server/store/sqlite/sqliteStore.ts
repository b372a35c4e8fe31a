import type { SQLInputValue } from "node:sqlite";
import { FencedOutError, StatusOpPendingError } from "../errors.ts";
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
import {
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
import { encodeProofNodes } from "../proofNodes.ts";
import { SqliteDatabase } from "./database.ts";
import { PUT_HOLDER_ACCESS, SqliteHolderStore } from "./sqliteHolderStore.ts";
import { MIGRATIONS } from "./schema.ts";

type Row = Record<string, SQLInputValue>;

/** The port promises rejections, never synchronous throws, whatever the adapter does inside. */
function attempt<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** SQLite names the index's column, not the index, in a unique violation (SQLITE_CONSTRAINT_UNIQUE). */
function isUnfinishedStatusOpViolation(error: unknown): boolean {
  const { errcode, message } = error as { errcode?: unknown; message?: unknown };
  return errcode === 2067 && typeof message === "string" && message.includes("status_ops.certificate_id");
}

const placeholders = (n: number): string => Array.from({ length: n }, () => "?").join(", ");

/** A certificate with its document and what its batch adds to the proof: `... WHERE c.id = ?`. */
const CERTIFICATE_WITH_ANCHOR = `SELECT c.*, d.document, ${BATCH_ANCHOR_COLUMNS} FROM certificates c
  JOIN certificate_documents d ON d.id = c.document_id LEFT JOIN batches b ON b.id = c.batch_id`;

/** Certificates not anchored by state, and all of them as "total", in one statement (one snapshot). */
const COUNT_BY_STATE = `SELECT state, COUNT(*) AS n FROM certificates WHERE state <> 'anchored' GROUP BY state
  UNION ALL SELECT 'total', COUNT(*) FROM certificates`;

/**
 * The embedded store: SQLite through Node's built-in `node:sqlite` (no native build).
 * WAL with synchronous=FULL: an acknowledged write survives a crash of the process or the machine.
 */
export class SqliteStore implements Store {
  readonly #sqlite: SqliteDatabase;
  /** the holder's secrets, presentations and usage traces, in the same file */
  readonly holder: HolderStore;
  /** fencing tokens of the leases this instance holds */
  readonly #held = new Set<number>();

  private constructor(sqlite: SqliteDatabase) {
    this.#sqlite = sqlite;
    this.holder = new SqliteHolderStore(sqlite);
  }

  static open(path: string): SqliteStore {
    const sqlite = SqliteDatabase.open(path, { synchronous: "FULL" });
    try {
      sqlite.migrate(MIGRATIONS);
    } catch (error) {
      sqlite.close();
      throw error;
    }
    return new SqliteStore(sqlite);
  }

  /**
   * A second connection to a store another connection has opened (and migrated), refusing every
   * write: WorkerSqliteStore reads through it on the service's thread while its writer runs in a
   * thread of its own.
   */
  static openReader(path: string): SqliteStore {
    const sqlite = SqliteDatabase.open(path, { synchronous: "FULL" });
    sqlite.db.exec("PRAGMA query_only = ON");
    return new SqliteStore(sqlite);
  }

  #stmt(sql: string) {
    return this.#sqlite.statement(sql);
  }

  #transaction<T>(work: () => T): T {
    return this.#sqlite.transaction(work);
  }

  #all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.#stmt(sql).all(...params);
  }

  #get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.#stmt(sql).get(...params);
  }

  #run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.#stmt(sql).run(...params).changes);
  }

  /** Inside a write transaction: refuses the write when another instance holds the signer's lease. */
  #fence(signer: string): void {
    const row = this.#get("SELECT token FROM leases WHERE name = ?", signerLeaseName(signer));
    if (row && !this.#held.has(num(row.token))) throw new FencedOutError(signer);
  }

  #fenceBatch(batchId: number): void {
    const row = this.#get("SELECT signer FROM batches WHERE id = ?", batchId);
    if (row) this.#fence(str(row.signer));
  }

  #fenceStatusOp(opId: number): void {
    const row = this.#get("SELECT signer FROM status_ops WHERE id = ?", opId);
    if (row) this.#fence(str(row.signer));
  }

  ping(): Promise<void> {
    this.#get("SELECT 1");
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#sqlite.close();
    return Promise.resolve();
  }

  getMeta(key: string): Promise<string | null> {
    return Promise.resolve(strOrNull(this.#get("SELECT value FROM meta WHERE key = ?", key)?.value));
  }

  setMeta(key: string, value: string): Promise<void> {
    this.#run(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      value,
    );
    return Promise.resolve();
  }

  upsertAgency(a: AgencyRecord): Promise<void> {
    this.#run(
      `INSERT INTO agencies (agency_id, name, name_en, jurisdiction, signer, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (agency_id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
         jurisdiction = excluded.jurisdiction, signer = excluded.signer`,
      a.agencyId,
      a.name,
      a.nameEn,
      a.jurisdiction,
      a.signer,
      a.createdAt,
    );
    return Promise.resolve();
  }

  getAgency(agencyId: number): Promise<AgencyRecord | null> {
    const row = this.#get("SELECT * FROM agencies WHERE agency_id = ?", agencyId);
    return Promise.resolve(row ? toAgency(row) : null);
  }

  listAgencies(): Promise<AgencyRecord[]> {
    return Promise.resolve(this.#all("SELECT * FROM agencies ORDER BY agency_id").map(toAgency));
  }

  insertApiKey(k: ApiKeyRecord): Promise<void> {
    this.#run(
      "INSERT INTO api_keys (id, hash, agency_id, role, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      k.id,
      k.hash,
      k.agencyId,
      k.role,
      k.label,
      k.createdAt,
      k.revokedAt,
    );
    return Promise.resolve();
  }

  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    const row = this.#get("SELECT * FROM api_keys WHERE hash = ?", hash);
    return Promise.resolve(row ? toApiKey(row) : null);
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return Promise.resolve(this.#all("SELECT * FROM api_keys ORDER BY created_at, id").map(toApiKey));
  }

  revokeApiKey(id: string, revokedAt: string): Promise<boolean> {
    return Promise.resolve(
      this.#run("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", revokedAt, id) > 0,
    );
  }

  /** Written by the next group commit (SqliteDatabase.grouped): durable when this resolves. */
  insertCertificates(certificates: NewCertificate[], idempotency?: IdempotencyRecord): Promise<void> {
    return this.#sqlite.grouped(() => {
      this.#insertNow(certificates, idempotency);
    });
  }

  #insertNow(certificates: NewCertificate[], idempotency: IdempotencyRecord | undefined): void {
    const insertDocument = "INSERT INTO certificate_documents (document) VALUES (?)";
    const insert = `INSERT INTO certificates (id, agency_id, type, type_id, leaf, document_id, state, supersedes, issued_by_key, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`;
    for (const c of certificates) {
      const { lastInsertRowid: documentId } = this.#stmt(insertDocument).run(JSON.stringify(c.document));
      this.#run(
        insert,
        c.id,
        c.agencyId,
        c.type,
        c.typeId,
        c.leaf,
        documentId,
        c.supersedes,
        c.issuedByKey,
        c.createdAt,
      );
      if (c.holderSecretHash !== undefined) this.#run(PUT_HOLDER_ACCESS, c.id, c.holderSecretHash, c.createdAt, null);
    }
    if (idempotency) {
      this.#run(
        "INSERT INTO idempotency (api_key_id, key, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?)",
        idempotency.apiKeyId,
        idempotency.key,
        idempotency.requestHash,
        JSON.stringify(idempotency.response),
        idempotency.createdAt,
      );
    }
  }

  getIdempotency(apiKeyId: string, key: string): Promise<IdempotencyRecord | null> {
    const row = this.#get("SELECT * FROM idempotency WHERE api_key_id = ? AND key = ?", apiKeyId, key);
    return Promise.resolve(
      row
        ? {
            apiKeyId,
            key,
            requestHash: str(row.request_hash),
            response: JSON.parse(str(row.response)) as unknown,
            createdAt: str(row.created_at),
          }
        : null,
    );
  }

  getCertificate(id: string): Promise<CertificateRecord | null> {
    const row = this.#get(`${CERTIFICATE_WITH_ANCHOR} WHERE c.id = ?`, id);
    return Promise.resolve(row ? toCertificate(row) : null);
  }

  queryCertificates(q: CertificateQuery): Promise<CertificateSummary[]> {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    const add = (clause: string, value: SQLInputValue | undefined): void => {
      if (value === undefined) return;
      where.push(clause);
      params.push(value);
    };
    add("agency_id = ?", q.agencyId);
    add("type = ?", q.type);
    add("state = ?", q.state);
    add("status = ?", q.status);
    // spelled out so that the planner may use the small index of certificates not active
    if (q.status !== undefined && q.status !== "active") where.push("status <> 'active'");
    add("created_at >= ?", q.createdFrom);
    add("created_at <= ?", q.createdTo);
    add("id > ?", q.after);
    // one text per combination of the seven filters, so the statement cache holds at most 128 of them
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM certificates ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id LIMIT ?`;
    return Promise.resolve(this.#all(sql, ...params, q.limit).map(toSummary));
  }

  /**
   * Exact, without reading rows: grouping by `state` read every row (2 s at a million, when rows
   * still held their documents' overflow pages). The few not anchored are counted through
   * their partial index, and the anchored are the rest of a total SQLite takes from its smallest index.
   */
  countCertificates(): Promise<Record<CertificateState, number>> {
    const counts: Record<CertificateState, number> = { pending: 0, anchored: 0, failed: 0 };
    let total = 0;
    for (const row of this.#all(COUNT_BY_STATE)) {
      if (row.state === "total") total = num(row.n);
      else counts[str(row.state) as CertificateState] = num(row.n);
    }
    counts.anchored = total - counts.pending - counts.failed;
    return Promise.resolve(counts);
  }

  findSuccessors(id: string): Promise<string[]> {
    return Promise.resolve(
      this.#all("SELECT id FROM certificates WHERE supersedes = ? ORDER BY id DESC", id).map((r) => str(r.id)),
    );
  }

  getCertificateStanding(id: string): Promise<CertificateStanding | null> {
    // ordered here, not by SQLite: an ORDER BY inside the aggregate builds a temporary b-tree on
    // every call (a third of this read's time), for a list that is nearly always empty
    const row = this.#get(
      `SELECT id, leaf, state, status, status_updated_at, anchored_at,
         (SELECT json_group_array(s.id) FROM certificates s WHERE s.supersedes = c.id) AS successors
       FROM certificates c WHERE c.id = ?`,
      id,
    );
    if (!row) return Promise.resolve(null);
    const successors = (JSON.parse(str(row.successors)) as string[]).sort().reverse();
    return Promise.resolve({ ...toStanding(row), successors });
  }

  pendingGroups(): Promise<PendingGroup[]> {
    const rows = this.#all(
      `SELECT agency_id, type_id, COUNT(*) AS n, MIN(created_at) AS oldest FROM certificates
       WHERE batch_id IS NULL AND state = 'pending' GROUP BY agency_id, type_id`,
    );
    return Promise.resolve(
      rows.map((r) => ({
        agencyId: num(r.agency_id),
        typeId: num(r.type_id),
        count: num(r.n),
        oldestCreatedAt: str(r.oldest),
      })),
    );
  }

  takePending(agencyId: number, typeId: number, limit: number): Promise<CertificateSummary[]> {
    const rows = this.#all(
      `SELECT ${SUMMARY_COLUMNS} FROM certificates WHERE agency_id = ? AND type_id = ? AND batch_id IS NULL AND state = 'pending'
       ORDER BY id LIMIT ?`,
      agencyId,
      typeId,
      limit,
    );
    return Promise.resolve(rows.map(toSummary));
  }

  createBatch(b: NewBatch): Promise<BatchRecord> {
    return attempt(() =>
      this.#transaction(() => {
        this.#fence(b.signer);
        const row = this.#get(
          `INSERT INTO batches (agency_id, type_id, root, size, state, signer, created_at)
         VALUES (?, ?, ?, ?, 'prepared', ?, ?) RETURNING *`,
          b.agencyId,
          b.typeId,
          b.root,
          b.members.length,
          b.signer,
          b.createdAt,
        );
        if (!row) throw new Error("batch insert returned no row");
        const created = toBatch(row);
        b.members.forEach((id, index) => {
          const changed = this.#run(
            "UPDATE certificates SET batch_id = ?, leaf_index = ? WHERE id = ? AND batch_id IS NULL",
            created.id,
            index,
            id,
          );
          if (changed !== 1) throw new Error(`certificate ${id} is already in a batch`);
        });
        return created;
      }),
    );
  }

  markBatchSent(batchId: number, nonce: number, txHash: string): Promise<void> {
    return attempt(() => {
      this.#transaction(() => {
        this.#fenceBatch(batchId);
        this.#run(
          "UPDATE batches SET state = 'sent', nonce = ?, tx_hash = ? WHERE id = ? AND state <> 'anchored'",
          nonce,
          txHash,
          batchId,
        );
      });
    });
  }

  markBatchAnchored(batchId: number, a: AnchoredBatch): Promise<void> {
    return attempt(() => {
      this.#transaction(() => {
        this.#fenceBatch(batchId);
        this.#run(
          "UPDATE batches SET state = 'anchored', tx_hash = ?, block_number = ?, anchored_at = ?, chain_id = ?, ledger = ? WHERE id = ?",
          a.txHash,
          a.blockNumber,
          a.anchoredAt,
          a.chainId,
          a.ledger,
          batchId,
        );
        for (const p of a.proofs) {
          this.#run(
            "UPDATE certificates SET state = 'anchored', proof = ?, anchored_at = ? WHERE id = ? AND batch_id = ?",
            encodeProofNodes(p.proof),
            a.anchoredAt,
            p.id,
            batchId,
          );
        }
      });
    });
  }

  markBatchUnsent(batchId: number): Promise<void> {
    return attempt(() => {
      this.#transaction(() => {
        this.#fenceBatch(batchId);
        this.#run(
          `UPDATE batches SET state = 'prepared', nonce = NULL, tx_hash = NULL, block_number = NULL, anchored_at = NULL,
           chain_id = NULL, ledger = NULL WHERE id = ?`,
          batchId,
        );
        this.#run(
          "UPDATE certificates SET state = 'pending', proof = NULL, anchored_at = NULL WHERE batch_id = ?",
          batchId,
        );
      });
    });
  }

  getBatch(batchId: number): Promise<BatchRecord | null> {
    const row = this.#get("SELECT * FROM batches WHERE id = ?", batchId);
    return Promise.resolve(row ? toBatch(row) : null);
  }

  getBatchByRoot(root: string): Promise<BatchRecord | null> {
    const row = this.#get("SELECT * FROM batches WHERE root = ?", root);
    return Promise.resolve(row ? toBatch(row) : null);
  }

  listBatches(states: BatchState[]): Promise<BatchRecord[]> {
    const rows = this.#all(
      `SELECT * FROM batches WHERE state IN (${placeholders(states.length)}) ORDER BY id`,
      ...states,
    );
    return Promise.resolve(rows.map(toBatch));
  }

  batchMembers(batchId: number): Promise<CertificateRecord[]> {
    return Promise.resolve(
      this.#all(`${CERTIFICATE_WITH_ANCHOR} WHERE c.batch_id = ? ORDER BY c.leaf_index`, batchId).map(toCertificate),
    );
  }

  batchLeaves(batchId: number): Promise<BatchLeaf[]> {
    return Promise.resolve(
      this.#all("SELECT id, leaf FROM certificates WHERE batch_id = ? ORDER BY leaf_index", batchId).map(toBatchLeaf),
    );
  }

  createStatusOp(op: NewStatusOp): Promise<StatusOpRecord> {
    return attempt(() => {
      let row: Row | undefined;
      try {
        row = this.#get(
          `INSERT INTO status_ops (certificate_id, kind, reason, note, state, signer, requested_by, created_at)
           VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING *`,
          op.certificateId,
          op.kind,
          op.reason,
          op.note,
          op.signer,
          op.requestedBy,
          op.createdAt,
        );
      } catch (error) {
        if (isUnfinishedStatusOpViolation(error)) throw new StatusOpPendingError(op.certificateId, { cause: error });
        throw error;
      }
      if (!row) throw new Error("status operation insert returned no row");
      return toStatusOp(row);
    });
  }

  markStatusOpSent(opId: number, nonce: number, txHash: string): Promise<void> {
    return attempt(() => {
      this.#transaction(() => {
        this.#fenceStatusOp(opId);
        this.#run(
          "UPDATE status_ops SET state = 'sent', nonce = ?, tx_hash = ? WHERE id = ? AND state IN ('pending', 'sent')",
          nonce,
          txHash,
          opId,
        );
      });
    });
  }

  completeStatusOp(opId: number, done: CompletedStatusOp): Promise<void> {
    return attempt(() => {
      this.#transaction(() => {
        this.#fenceStatusOp(opId);
        const row = this.#get(
          "UPDATE status_ops SET state = 'done', tx_hash = ?, block_number = ?, done_at = ?, error = NULL WHERE id = ? RETURNING certificate_id, note",
          done.txHash,
          done.blockNumber,
          done.doneAt,
          opId,
        );
        if (!row) throw new Error(`status operation ${opId} not found`);
        this.#run(
          "UPDATE certificates SET status = ?, status_reason = ?, status_note = ?, status_updated_at = ? WHERE id = ?",
          done.status,
          done.statusReason,
          row.note ?? null,
          done.doneAt,
          row.certificate_id ?? null,
        );
      });
    });
  }

  failStatusOp(opId: number, error: string): Promise<void> {
    return attempt(() => {
      this.#transaction(() => {
        this.#fenceStatusOp(opId);
        this.#run("UPDATE status_ops SET state = 'failed', error = ? WHERE id = ? AND state <> 'done'", error, opId);
      });
    });
  }

  markStatusOpUnsent(opId: number): Promise<void> {
    return attempt(() => {
      this.#transaction(() => {
        this.#fenceStatusOp(opId);
        this.#run(
          "UPDATE status_ops SET state = 'pending', nonce = NULL, tx_hash = NULL WHERE id = ? AND state = 'sent'",
          opId,
        );
      });
    });
  }

  getStatusOp(opId: number): Promise<StatusOpRecord | null> {
    const row = this.#get("SELECT * FROM status_ops WHERE id = ?", opId);
    return Promise.resolve(row ? toStatusOp(row) : null);
  }

  listStatusOps(states: StatusOpState[]): Promise<StatusOpRecord[]> {
    const rows = this.#all(
      `SELECT * FROM status_ops WHERE state IN (${placeholders(states.length)}) ORDER BY id`,
      ...states,
    );
    return Promise.resolve(rows.map(toStatusOp));
  }

  unfinishedStatusOp(certificateId: string): Promise<StatusOpRecord | null> {
    const row = this.#get(
      "SELECT * FROM status_ops WHERE certificate_id = ? AND state IN ('pending', 'sent') ORDER BY id LIMIT 1",
      certificateId,
    );
    return Promise.resolve(row ? toStatusOp(row) : null);
  }

  statusHistory(certificateId: string): Promise<StatusOpRecord[]> {
    return Promise.resolve(
      this.#all("SELECT * FROM status_ops WHERE certificate_id = ? AND state = 'done' ORDER BY id", certificateId).map(
        toStatusOp,
      ),
    );
  }

  acquireLease(name: string, holder: string, ttlMs: number): Promise<number | null> {
    const token = this.#transaction(() => {
      const now = Date.now();
      const row = this.#get("SELECT holder, token, expires_at FROM leases WHERE name = ?", name);
      if (row && num(row.expires_at) > now) {
        if (str(row.holder) !== holder) return null;
        this.#run("UPDATE leases SET expires_at = ? WHERE name = ?", now + ttlMs, name);
        return num(row.token);
      }
      const next = num(this.#get("SELECT COALESCE(MAX(token), 0) + 1 AS next FROM leases")?.next);
      this.#run(
        `INSERT INTO leases (name, holder, token, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, token = excluded.token, expires_at = excluded.expires_at`,
        name,
        holder,
        next,
        now + ttlMs,
      );
      return next;
    });
    if (token !== null) this.#held.add(token);
    return Promise.resolve(token);
  }

  renewLease(name: string, holder: string, token: number, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const renewed =
      this.#run(
        "UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND token = ? AND expires_at > ?",
        now + ttlMs,
        name,
        holder,
        token,
        now,
      ) === 1;
    if (!renewed) this.#held.delete(token);
    return Promise.resolve(renewed);
  }

  releaseLease(name: string, holder: string, token: number): Promise<void> {
    this.#run("UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ? AND token = ?", name, holder, token);
    this.#held.delete(token);
    return Promise.resolve();
  }
}
