import { expect } from "chai";
import type { HolderStore, PresentationRecord } from "../../server/store/holderPort.ts";
import type { NewCertificate } from "../../server/store/records.ts";

/** A certificate row for `id` that the holder's rows may refer to. */
function certificateFor(id: string): NewCertificate {
  return {
    id,
    agencyId: 1,
    type: "driving-licence",
    typeId: 5,
    leaf: `0x${id.padStart(64, "0")}`,
    document: {},
    supersedes: null,
    issuedByKey: "k",
    createdAt: new Date(0).toISOString(),
  };
}

/**
 * What every `HolderStore` adapter must do, written once: the SQLite adapter runs it here, and a
 * PostgreSQL adapter can run the same with its own setup. `insertCertificates` is the `Store`'s of
 * the same database: the holder's rows refer to its certificates, and a certificate carries its
 * first holder access in.
 */
export function holderStoreBehaviour(
  setup: () => Promise<{
    store: HolderStore;
    insertCertificates: (certificates: NewCertificate[]) => Promise<void>;
    close: () => Promise<void>;
  }>,
): void {
  let store: HolderStore;
  let insertCertificates: (certificates: NewCertificate[]) => Promise<void>;
  let close: () => Promise<void>;
  const A = "01JE00000000000000000000AA";
  const B = "01JE00000000000000000000AB";
  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes)).toISOString();
  const presentation = (over: Partial<PresentationRecord>): PresentationRecord => ({
    id: "p1",
    certificateId: A,
    tokenHash: "t1",
    codeHash: "c1",
    fields: ["holderName", "address"],
    createdAt: at(0),
    expiresAt: at(5),
    withdrawnAt: null,
    ...over,
  });

  beforeEach(async () => {
    const made = await setup();
    store = made.store;
    insertCertificates = made.insertCertificates;
    close = made.close;
    await insertCertificates([certificateFor(A), certificateFor(B)]);
  });
  afterEach(async () => {
    await close();
  });

  it("stores the holder access a certificate carries in with the certificate, and none when its insert fails", async () => {
    const C = "01JE00000000000000000000AC";
    const D = "01JE00000000000000000000AD";
    await insertCertificates([{ ...certificateFor(C), holderSecretHash: "hc" }]);
    expect(await store.getHolderAccess(C)).to.deep.equal({
      certificateId: C,
      secretHash: "hc",
      createdAt: certificateFor(C).createdAt,
      revokedAt: null,
    });
    // A is taken: the request fails whole, D's holder access with its certificate, and A gains none
    let failed = false;
    try {
      await insertCertificates([
        { ...certificateFor(D), holderSecretHash: "hd" },
        { ...certificateFor(A), holderSecretHash: "ha" },
      ]);
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
    expect(await store.getHolderAccess(D)).to.equal(null);
    expect(await store.getHolderAccess(A)).to.equal(null);
  });

  it("keeps one holder secret hash per certificate: a new one replaces the old, revocation is one-way", async () => {
    expect(await store.getHolderAccess(A)).to.equal(null);
    await store.putHolderAccess([
      { certificateId: A, secretHash: "h1", createdAt: at(0), revokedAt: null },
      { certificateId: B, secretHash: "h2", createdAt: at(0), revokedAt: null },
    ]);
    expect(await store.revokeHolderAccess(A, at(1))).to.equal(true);
    expect(await store.revokeHolderAccess(A, at(2))).to.equal(false);
    expect(await store.getHolderAccess(A)).to.deep.equal({
      certificateId: A,
      secretHash: "h1",
      createdAt: at(0),
      revokedAt: at(1),
    });
    await store.putHolderAccess([{ certificateId: A, secretHash: "h3", createdAt: at(3), revokedAt: null }]);
    expect(await store.getHolderAccess(A)).to.deep.equal({
      certificateId: A,
      secretHash: "h3",
      createdAt: at(3),
      revokedAt: null,
    });
    expect((await store.getHolderAccess(B))?.secretHash).to.equal("h2");
  });

  it("grants in one unit: a certificate named twice keeps its last secret, an unknown one refuses the whole grant", async () => {
    await store.putHolderAccess([
      { certificateId: A, secretHash: "first", createdAt: at(0), revokedAt: null },
      { certificateId: B, secretHash: "h2", createdAt: at(0), revokedAt: null },
      { certificateId: A, secretHash: "last", createdAt: at(1), revokedAt: null },
    ]);
    expect((await store.getHolderAccess(A))?.secretHash).to.equal("last");
    let refused: unknown = null;
    await store
      .putHolderAccess([
        { certificateId: B, secretHash: "never", createdAt: at(2), revokedAt: null },
        { certificateId: "01NOSUCHCERTIFICATE0000000", secretHash: "x", createdAt: at(2), revokedAt: null },
      ])
      .catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(Error);
    expect((await store.getHolderAccess(B))?.secretHash).to.equal("h2");
  });

  it("finds presentations by token and by the newest with a code, and tells live from ended", async () => {
    await store.insertPresentation(presentation({}));
    await store.insertPresentation(
      presentation({ id: "p2", tokenHash: "t2", codeHash: "c1", createdAt: at(10), expiresAt: at(15) }),
    );
    expect((await store.findPresentationByToken("t1"))?.fields).to.deep.equal(["holderName", "address"]);
    expect((await store.findPresentationByCode("c1"))?.id).to.equal("p2");
    expect(await store.findPresentationByToken("nope")).to.equal(null);
    expect(await store.isCodeInUse("c1", at(4))).to.equal(true);
    expect(await store.isCodeInUse("c1", at(20))).to.equal(false);
    expect((await store.livePresentations(A, at(11))).map((p) => p.id)).to.deep.equal(["p2"]);
  });

  it("withdraws one or all live presentations of a certificate, never another's or an ended one", async () => {
    await store.insertPresentation(presentation({}));
    await store.insertPresentation(presentation({ id: "p2", tokenHash: "t2", codeHash: "c2" }));
    await store.insertPresentation(presentation({ id: "p3", certificateId: B, tokenHash: "t3", codeHash: "c3" }));
    expect(await store.withdrawPresentation(B, "p1", at(1))).to.equal(false);
    expect(await store.withdrawPresentation(A, "p1", at(1))).to.equal(true);
    expect(await store.withdrawPresentation(A, "p1", at(2))).to.equal(false);
    expect(await store.withdrawPresentation(A, "p2", at(6))).to.equal(false);
    expect(await store.withdrawPresentations(A, at(2))).to.equal(1);
    expect((await store.findPresentationByToken("t1"))?.withdrawnAt).to.equal(at(1));
    expect((await store.livePresentations(B, at(2))).map((p) => p.id)).to.deep.equal(["p3"]);
    expect(await store.prunePresentations(at(5))).to.equal(0);
    expect(await store.prunePresentations(at(6))).to.equal(3);
  });

  it("lists usage traces newest first from a time on, and prunes those before a time", async () => {
    await store.insertUsageTraces(
      (["static-qr", "live-qr", "live-code", "document"] as const).map((channel, i) => ({
        id: `u${i}`,
        certificateId: A,
        at: at(i),
        channel,
        status: "VALID",
        presentationId: i === 1 ? "p1" : null,
      })),
    );
    await store.insertUsageTraces([
      { id: "u9", certificateId: B, at: at(0), channel: "static-qr", status: "REVOKED", presentationId: null },
    ]);
    expect((await store.listUsageTraces(A, at(1), 10)).map((t) => t.channel)).to.deep.equal([
      "document",
      "live-code",
      "live-qr",
    ]);
    expect((await store.listUsageTraces(A, at(0), 2)).map((t) => t.id)).to.deep.equal(["u3", "u2"]);
    expect((await store.listUsageTraces(A, at(0), 10))[2]).to.deep.equal({
      id: "u1",
      certificateId: A,
      at: at(1),
      channel: "live-qr",
      status: "VALID",
      presentationId: "p1",
    });
    expect(await store.pruneUsageTraces(at(2))).to.equal(3);
    expect((await store.listUsageTraces(A, at(0), 10)).map((t) => t.id)).to.deep.equal(["u3", "u2"]);
  });
}
