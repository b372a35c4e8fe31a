import type { SQLInputValue } from "node:sqlite";
import { SqliteDatabase } from "../store/sqlite/database.ts";
import type { AuditEvent, EventKind } from "./events.ts";

type Row = Record<string, SQLInputValue>;

/** Which deployment an index file describes; an index of another one is dropped, not mixed in. */
export interface IndexedDeployment {
  chainId: number;
  ledger: string;
  registry: string;
  deploymentBlock: number;
}

export interface EventFilter {
  agencyId?: number;
  kinds?: readonly EventKind[];
  /** unix seconds, inclusive */
  fromTime?: number;
  toTime?: number;
  fromBlock?: number;
  toBlock?: number;
  root?: string;
  /** strictly after this position (keyset paging) */
  after?: EventPosition;
}

export interface EventPosition {
  blockNumber: number;
  logIndex: number;
}

export interface BlockRef {
  number: number;
  hash: string;
  time: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL, time INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS events (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    block_time INTEGER NOT NULL,
    tx_hash TEXT NOT NULL,
    contract TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    agency_id INTEGER,
    root TEXT,
    leaf TEXT,
    leaf_index INTEGER,
    reason_code INTEGER,
    type_id INTEGER,
    size INTEGER,
    officer TEXT,
    details TEXT,
    PRIMARY KEY (block_number, log_index)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS events_agency ON events (agency_id, block_number, log_index);
  CREATE INDEX IF NOT EXISTS events_root ON events (root, block_number, log_index) WHERE root IS NOT NULL;
  CREATE INDEX IF NOT EXISTS events_kind ON events (kind, block_number, log_index);
`;

const COLUMNS =
  "block_number, log_index, block_hash, block_time, tx_hash, contract, kind, actor, agency_id, root, leaf, leaf_index, reason_code, type_id, size, officer, details";

function text(v: SQLInputValue | undefined): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return v.toString();
  throw new TypeError(`expected a text column, got ${typeof v}`);
}
const textOrNull = (v: SQLInputValue | undefined): string | null => (v === null || v === undefined ? null : text(v));
const numOrNull = (v: SQLInputValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));

function toEvent(r: Row): AuditEvent {
  const details = textOrNull(r.details);
  return {
    blockNumber: Number(r.block_number),
    logIndex: Number(r.log_index),
    blockHash: text(r.block_hash),
    blockTime: Number(r.block_time),
    txHash: text(r.tx_hash),
    contract: text(r.contract) as AuditEvent["contract"],
    kind: text(r.kind) as EventKind,
    actor: text(r.actor),
    agencyId: numOrNull(r.agency_id),
    root: textOrNull(r.root),
    leaf: textOrNull(r.leaf),
    leafIndex: numOrNull(r.leaf_index),
    reasonCode: numOrNull(r.reason_code),
    typeId: numOrNull(r.type_id),
    size: numOrNull(r.size),
    officer: textOrNull(r.officer),
    details: details === null ? null : (JSON.parse(details) as Record<string, string | number>),
  };
}

function where(filter: EventFilter): { sql: string; params: SQLInputValue[] } {
  const clauses: string[] = [];
  const params: SQLInputValue[] = [];
  const add = (clause: string, ...values: SQLInputValue[]): void => {
    clauses.push(clause);
    params.push(...values);
  };
  if (filter.agencyId !== undefined) add("agency_id = ?", filter.agencyId);
  if (filter.root !== undefined) add("root = ?", filter.root.toLowerCase());
  if (filter.kinds && filter.kinds.length > 0)
    add(`kind IN (${filter.kinds.map(() => "?").join(", ")})`, ...filter.kinds);
  if (filter.fromTime !== undefined) add("block_time >= ?", filter.fromTime);
  if (filter.toTime !== undefined) add("block_time <= ?", filter.toTime);
  if (filter.fromBlock !== undefined) add("block_number >= ?", filter.fromBlock);
  if (filter.toBlock !== undefined) add("block_number <= ?", filter.toBlock);
  if (filter.after) add("(block_number, log_index) > (?, ?)", filter.after.blockNumber, filter.after.logIndex);
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "", params };
}

/**
 * The chain-event index: its own SQLite file (or `:memory:`), a cache derived from the chain alone
 * and rebuildable at any time, so it never shares a schema or a migration with the service's store.
 */
export class AuditIndex {
  readonly #sqlite: SqliteDatabase;

  private constructor(sqlite: SqliteDatabase) {
    this.#sqlite = sqlite;
  }

  static open(path: string): AuditIndex {
    // NORMAL, not FULL: a crash may lose the last round, which the cursor then simply repeats.
    const sqlite = SqliteDatabase.open(path, { synchronous: "NORMAL" });
    sqlite.db.exec(SCHEMA);
    return new AuditIndex(sqlite);
  }

  close(): void {
    this.#sqlite.close();
  }

  get #db() {
    return this.#sqlite.db;
  }

  #stmt(sql: string) {
    return this.#sqlite.statement(sql);
  }

  #transaction<T>(work: () => T): T {
    return this.#sqlite.transaction(work);
  }

  #meta(key: string): string | null {
    return textOrNull(this.#stmt("SELECT value FROM meta WHERE key = ?").get(key)?.value);
  }

  #setMeta(key: string, value: string): void {
    this.#stmt(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(key, value);
  }

  /**
   * Ties the index to `deployment`. A fresh index, or one built for another chain or contracts,
   * starts over at the deployment block. Returns true when it started over.
   */
  bind(deployment: IndexedDeployment): boolean {
    const identity = `${deployment.chainId}:${deployment.ledger.toLowerCase()}:${deployment.registry.toLowerCase()}:${deployment.deploymentBlock}`;
    if (this.#meta("deployment") === identity && this.nextBlock() !== null) return false;
    this.#transaction(() => {
      this.#db.exec("DELETE FROM events; DELETE FROM blocks;");
      this.#setMeta("deployment", identity);
      this.#setMeta("next_block", String(deployment.deploymentBlock));
      this.#setMeta("first_block", String(deployment.deploymentBlock));
    });
    return true;
  }

  /** The first block not yet indexed; null before `bind`. */
  nextBlock(): number | null {
    const value = this.#meta("next_block");
    return value === null ? null : Number(value);
  }

  /** The last block indexed, or null when nothing is. */
  indexedThrough(): number | null {
    const next = this.nextBlock();
    const first = Number(this.#meta("first_block") ?? 0);
    return next === null || next <= first ? null : next - 1;
  }

  /** Stores one scanned range atomically: its events, the blocks whose hash guards it, the new cursor. */
  commitRange(range: { events: readonly AuditEvent[]; blocks: readonly BlockRef[]; nextBlock: number }): void {
    this.#transaction(() => {
      const insert = this.#stmt(
        `INSERT OR REPLACE INTO events (${COLUMNS}) VALUES (${COLUMNS.split(",")
          .map(() => "?")
          .join(", ")})`,
      );
      for (const e of range.events) {
        insert.run(
          e.blockNumber,
          e.logIndex,
          e.blockHash,
          e.blockTime,
          e.txHash,
          e.contract,
          e.kind,
          e.actor,
          e.agencyId,
          e.root,
          e.leaf,
          e.leafIndex,
          e.reasonCode,
          e.typeId,
          e.size,
          e.officer,
          e.details === null ? null : JSON.stringify(e.details),
        );
      }
      const block = this.#stmt("INSERT OR REPLACE INTO blocks (number, hash, time) VALUES (?, ?, ?)");
      for (const b of range.blocks) block.run(b.number, b.hash, b.time);
      this.#setMeta("next_block", String(range.nextBlock));
    });
  }

  /** Guard blocks, newest first: the chain must still have these hashes for the index to stand. */
  *guardBlocks(): Generator<BlockRef> {
    const rows = this.#db.prepare("SELECT number, hash, time FROM blocks ORDER BY number DESC").iterate();
    for (const r of rows as IterableIterator<Row>)
      yield { number: Number(r.number), hash: text(r.hash), time: Number(r.time) };
  }

  /** Forgets everything above `block` (a reorganisation forked after it) and resumes after it. */
  rollbackAbove(block: number): number {
    return this.#transaction(() => {
      const removed = Number(this.#stmt("DELETE FROM events WHERE block_number > ?").run(block).changes);
      this.#stmt("DELETE FROM blocks WHERE number > ?").run(block);
      this.#setMeta("next_block", String(block + 1));
      return removed;
    });
  }

  /** Keeps guard hashes of the last `keep` blocks below `through` only (events keep their own hash). */
  pruneGuards(through: number, keep: number): void {
    this.#stmt("DELETE FROM blocks WHERE number < ? AND number < (SELECT MAX(number) FROM blocks)").run(through - keep);
  }

  page(filter: EventFilter, limit: number): AuditEvent[] {
    const { sql, params } = where(filter);
    return this.#db
      .prepare(`SELECT ${COLUMNS} FROM events ${sql} ORDER BY block_number, log_index LIMIT ?`)
      .all(...params, limit)
      .map((r) => toEvent(r as Row));
  }

  /**
   * Every matching event in chain order, one row at a time from SQLite: memory stays flat whatever
   * the count. The statement is the caller's alone; abandoning the iterator finalises it.
   */
  *iterate(filter: EventFilter): Generator<AuditEvent> {
    const { sql, params } = where(filter);
    const rows = this.#db
      .prepare(`SELECT ${COLUMNS} FROM events ${sql} ORDER BY block_number, log_index`)
      .iterate(...params);
    for (const r of rows as IterableIterator<Row>) yield toEvent(r);
  }

  /**
   * Events of one batch, keyed like the ledger by agency and root (another agency may hold a batch
   * of the same root): its anchoring, batch revocation and the status changes of `leaf` (or all leaves).
   */
  batchEvents(agencyId: number, root: string, leaf?: string): AuditEvent[] {
    const rows =
      leaf === undefined
        ? this.#stmt(
            `SELECT ${COLUMNS} FROM events WHERE root = ? AND agency_id = ? ORDER BY block_number, log_index`,
          ).all(root.toLowerCase(), agencyId)
        : this.#stmt(
            `SELECT ${COLUMNS} FROM events WHERE root = ? AND agency_id = ? AND (leaf IS NULL OR leaf = ?) ORDER BY block_number, log_index`,
          ).all(root.toLowerCase(), agencyId, leaf.toLowerCase());
    return rows.map((r) => toEvent(r as Row));
  }

  /** Certificates anchored per type and calendar month (UTC) of the anchoring block. */
  issuedByTypeAndMonth(agencyId: number): { typeId: number; month: string; batches: number; certificates: number }[] {
    return this.#stmt(
      `SELECT type_id, strftime('%Y-%m', block_time, 'unixepoch') AS month, COUNT(*) AS batches, SUM(size) AS certificates
       FROM events WHERE agency_id = ? AND kind = 'BatchAnchored' GROUP BY type_id, month ORDER BY month, type_id`,
    )
      .all(agencyId)
      .map((r) => ({
        typeId: Number(r.type_id),
        month: text(r.month),
        batches: Number(r.batches),
        certificates: Number(r.certificates),
      }));
  }

  /** Count of status events of `kind` per reason code for an agency. */
  countByReason(agencyId: number, kind: EventKind): { reasonCode: number; events: number; certificates: number }[] {
    // a batch revocation covers every certificate of the batch: join its size in
    return this.#stmt(
      `SELECT e.reason_code AS reason_code, COUNT(*) AS n,
              SUM(CASE WHEN e.kind = 'BatchRevoked' THEN COALESCE(a.size, 0) ELSE 1 END) AS certificates
       FROM events e LEFT JOIN events a ON e.kind = 'BatchRevoked' AND a.root = e.root AND a.kind = 'BatchAnchored'
       WHERE e.agency_id = ? AND e.kind = ? GROUP BY e.reason_code ORDER BY e.reason_code`,
    )
      .all(agencyId, kind)
      .map((r) => ({ reasonCode: Number(r.reason_code), events: Number(r.n), certificates: Number(r.certificates) }));
  }

  batchSizes(agencyId: number): { batches: number; certificates: number; min: number; max: number; typeId: number }[] {
    return this.#stmt(
      `SELECT type_id, COUNT(*) AS n, SUM(size) AS total, MIN(size) AS min, MAX(size) AS max
       FROM events WHERE agency_id = ? AND kind = 'BatchAnchored' GROUP BY type_id ORDER BY type_id`,
    )
      .all(agencyId)
      .map((r) => ({
        typeId: Number(r.type_id),
        batches: Number(r.n),
        certificates: Number(r.total),
        min: Number(r.min),
        max: Number(r.max),
      }));
  }
}
