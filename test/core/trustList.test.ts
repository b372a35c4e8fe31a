import { expect } from "chai";
import { Wallet } from "ethers";
import {
  TRUST_LIST_FORMAT,
  TrustAnchors,
  TrustListError,
  signTrustList,
  trustListPayload,
  verifyTrustList,
} from "../../server/core/index.ts";

const NOW = new Date("2026-12-01T00:00:00Z");
const LEDGER = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

function list(overrides: Record<string, unknown> = {}) {
  return {
    format: TRUST_LIST_FORMAT,
    issuedAt: "2026-11-01T00:00:00Z",
    expiresAt: "2027-05-01T00:00:00Z",
    deployments: [
      {
        chainId: 31337,
        registry: REGISTRY,
        ledger: LEDGER.toLowerCase(),
        name: { zh: "天津市证照服务", en: "Tianjin certificates" },
        origins: ["https://cert.tianjin.example"],
      },
    ],
    ...overrides,
  };
}

const refusal = (run: () => unknown): TrustListError => {
  try {
    run();
  } catch (error) {
    if (error instanceof TrustListError) return error;
    throw error;
  }
  throw new Error("the list was accepted");
};

describe("core: signed trust lists", () => {
  const signer = Wallet.createRandom();

  it("a list signed by the pinned key, in its validity period, gives its deployments (addresses checksummed)", async () => {
    const verified = verifyTrustList(await signTrustList(list(), signer), { signer: signer.address, now: NOW });
    expect(verified.signer).to.equal(signer.address);
    expect(verified.deployments).to.deep.equal([
      {
        chainId: 31337,
        ledger: LEDGER,
        registry: REGISTRY,
        name: { zh: "天津市证照服务", en: "Tianjin certificates" },
        origins: ["https://cert.tianjin.example"],
      },
    ]);
    const anchors = TrustAnchors.of(verified.deployments);
    expect(anchors.find(31337, LEDGER.toLowerCase())?.name?.en).to.equal("Tianjin certificates");
    expect(anchors.find(1, LEDGER), "a ledger trusted on one chain is not trusted on another").to.equal(undefined);
  });

  it("signs the canonical JSON: key order does not matter, and fields a later format adds are signed too", async () => {
    const signed = await signTrustList({ ...list(), note: "added by a later format" }, signer);
    const reordered = Object.fromEntries(Object.entries(signed.list as Record<string, unknown>).reverse());
    expect(trustListPayload(reordered)).to.equal(trustListPayload(signed.list));
    expect(
      verifyTrustList({ list: reordered, signature: signed.signature }, { signer: signer.address, now: NOW })
        .deployments,
    ).to.have.length(1);
    const changedNote = { ...(signed.list as Record<string, unknown>), note: "changed" };
    expect(
      refusal(() =>
        verifyTrustList({ list: changedNote, signature: signed.signature }, { signer: signer.address, now: NOW }),
      ).code,
    ).to.equal("WRONG_SIGNER");
  });

  it("refuses a list signed by another key, even one that names itself as signer in the list", async () => {
    const attacker = Wallet.createRandom();
    const signed = await signTrustList({ ...list(), signer: attacker.address }, attacker);
    expect(refusal(() => verifyTrustList(signed, { signer: signer.address, now: NOW })).code).to.equal("WRONG_SIGNER");
  });

  it("refuses a list altered after signing: a look-alike ledger swapped in", async () => {
    const signed = await signTrustList(list(), signer);
    const altered = structuredClone(signed) as { list: { deployments: { ledger: string }[] }; signature: string };
    altered.list.deployments[0]!.ledger = Wallet.createRandom().address;
    expect(refusal(() => verifyTrustList(altered, { signer: signer.address, now: NOW })).code).to.equal("WRONG_SIGNER");
  });

  it("refuses a list outside its validity period, and a garbled signature", async () => {
    const signed = await signTrustList(list(), signer);
    expect(
      refusal(() => verifyTrustList(signed, { signer: signer.address, now: new Date("2027-05-01T00:00:00Z") })).code,
    ).to.equal("EXPIRED");
    expect(
      refusal(() => verifyTrustList(signed, { signer: signer.address, now: new Date("2026-10-31T23:59:59Z") })).code,
    ).to.equal("NOT_YET_VALID");
    const garbled = { ...signed, signature: `0x${"00".repeat(65)}` };
    expect(refusal(() => verifyTrustList(garbled, { signer: signer.address, now: NOW })).code).to.equal(
      "BAD_SIGNATURE",
    );
  });

  it("accepts regions sharing one ledger under distinct origins, and finds each by its origin", async () => {
    const beijing = {
      ...list().deployments[0]!,
      name: { zh: "北京市证照服务", en: "Beijing certificates" },
      origins: ["https://cert.beijing.example"],
    };
    const signed = await signTrustList(list({ deployments: [list().deployments[0]!, beijing] }), signer);
    const verified = verifyTrustList(signed, { signer: signer.address, now: NOW });
    const anchors = TrustAnchors.of(verified.deployments);
    expect(anchors.findByOrigin("https://cert.beijing.example")?.name?.en).to.equal("Beijing certificates");
    expect(anchors.findByOrigin("https://cert.tianjin.example")?.name?.en).to.equal("Tianjin certificates");
    expect(anchors.findByOrigin("https://cert.hebei.example")).to.equal(undefined);
  });

  it("refuses to sign or accept a malformed list", async () => {
    const bad = [
      list({ format: "certledger-trust-list/0" }),
      list({ expiresAt: "2026-10-01T00:00:00Z" }),
      list({ deployments: [{ ...list().deployments[0]!, ledger: "0x1234" }] }),
      list({ deployments: [{ ...list().deployments[0]!, origins: ["https://cert.tianjin.example/path"] }] }),
      // one origin named twice (the same ledger under another origin is fine: regions may share one)
      list({ deployments: [list().deployments[0]!, { ...list().deployments[0]!, ledger: LEDGER }] }),
      list({ deployments: [{ ...list().deployments[0]!, name: { zh: "天津" } }] }),
    ];
    for (const [i, candidate] of bad.entries()) {
      let code: string | null = null;
      await signTrustList(candidate, signer).catch((error: unknown) => {
        code = error instanceof TrustListError ? error.code : "other";
      });
      expect(code, `case ${i}`).to.equal("MALFORMED");
    }
    expect(refusal(() => verifyTrustList({ list: list() }, { signer: signer.address, now: NOW })).code).to.equal(
      "MALFORMED",
    );
  });
});
