/** The unique index behind `StatusOpPendingError`: each adapter recognises its violation by it. */
export const UNFINISHED_STATUS_OP_INDEX = "status_ops_one_unfinished";

/**
 * Migration (SQLite and PostgreSQL alike): at most one unfinished status operation per
 * certificate, enforced by a unique partial index, so two changes requested at once cannot both be
 * recorded and sent.
 *
 * A database may already hold two unfinished operations of one certificate (the race this closes).
 * Refusing to start would leave the operator with hand-written SQL; instead the one to carry on is
 * kept and the others are marked failed, with an error saying why. A sent operation is kept over a
 * pending one, since its transaction may be on chain while a pending one has nothing there; among
 * equals the one recorded first is kept, as a request made after it would have been refused. A
 * later operation that was sent too may still land on chain: the reconciliation report then shows
 * the certificate as STATUS_MISMATCH.
 *
 * The states are written out rather than taken from `UNFINISHED_STATUS_OP_STATES`: a released
 * migration must never change.
 */
export const ONE_UNFINISHED_STATUS_OP_MIGRATION = `
  UPDATE status_ops
  SET state = 'failed',
      error = 'NotCarriedOut: another unfinished change of this certificate was kept when one at a time became the rule'
  WHERE state IN ('pending', 'sent')
    AND id <> (
      SELECT kept.id FROM status_ops AS kept
      WHERE kept.certificate_id = status_ops.certificate_id AND kept.state IN ('pending', 'sent')
      ORDER BY kept.state = 'sent' DESC, kept.id
      LIMIT 1
    );
  CREATE UNIQUE INDEX ${UNFINISHED_STATUS_OP_INDEX} ON status_ops (certificate_id) WHERE state IN ('pending', 'sent');
`;
