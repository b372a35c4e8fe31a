import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Wallet, hexlify, isError, ZeroAddress } from "ethers";
import { ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import { decodeVerifyLeaf, encodeVerifyLeaf } from "../../server/chain/verifyLeafCodec.ts";

const ledger = ICertificateLedger__factory.createInterface();
const bytes32 = (): string => hexlify(randomBytes(32));
const below = (bits: number): bigint => BigInt(hexlify(randomBytes(Math.ceil(bits / 8)))) & ((1n << BigInt(bits)) - 1n);

describe("verifyLeaf codec (hand-written for speed) against ethers' ABI coder", () => {
  it("encodes calldata exactly as ethers does, for proofs of every depth", () => {
    for (let depth = 0; depth <= 24; depth++) {
      const proof = Array.from({ length: depth }, bytes32);
      const [root, leaf] = [bytes32(), bytes32()];
      const index = Number(below(24));
      const agencyId = Number(below(32));
      expect(encodeVerifyLeaf(agencyId, root, leaf, index, proof), `depth ${depth}`).to.equal(
        ledger.encodeFunctionData("verifyLeaf", [agencyId, root, leaf, index, proof]),
      );
    }
  });

  it("decodes results exactly as ethers does", () => {
    for (let round = 0; round < 50; round++) {
      const officer = Wallet.createRandom().address;
      const revoker = Wallet.createRandom().address;
      const fields = {
        chainId: below(53),
        anchored: round % 2 === 0,
        proofValid: round % 3 === 0,
        batch: { officer, agencyId: below(32), anchoredAt: below(40), typeId: below(7), size: below(24) },
        batchRevokedAt: below(40),
        batchRevocationReason: below(4),
        batchRevokedBy: revoker,
        status: BigInt(round % 3),
        reason: below(4),
        statusByGovernance: round % 7 === 0,
        agencyStatus: BigInt(round % 4),
        jurisdiction: below(20),
        agencyMetadataHash: bytes32(),
        issuerAuthorized: round % 5 !== 0,
        officerCompromisedSince: below(40),
      };
      const data = ledger.encodeFunctionResult("verifyLeaf", [fields]);
      expect(decodeVerifyLeaf(data)).to.deep.equal({
        chainId: Number(fields.chainId),
        anchored: fields.anchored,
        proofValid: fields.proofValid,
        batch: {
          officer,
          agencyId: Number(fields.batch.agencyId),
          anchoredAt: Number(fields.batch.anchoredAt),
          typeId: Number(fields.batch.typeId),
          size: Number(fields.batch.size),
        },
        batchRevokedAt: Number(fields.batchRevokedAt),
        batchRevocationReason: Number(fields.batchRevocationReason),
        batchRevokedBy: revoker,
        status: ["active", "suspended", "revoked"][round % 3],
        reason: Number(fields.reason),
        statusByGovernance: fields.statusByGovernance,
        agencyStatus: ["none", "active", "suspended", "retired"][round % 4],
        jurisdiction: Number(fields.jurisdiction),
        issuerAuthorized: fields.issuerAuthorized,
        officerCompromisedSince: Number(fields.officerCompromisedSince),
      });
    }
  });

  it("refuses results of another shape (as from an address that holds no ledger) and arguments that are not bytes32", () => {
    const good = ledger.encodeFunctionResult("verifyLeaf", [
      [
        1n,
        true,
        true,
        [Wallet.createRandom().address, 1n, 1n, 1n, 1n],
        0n,
        0n,
        ZeroAddress,
        0n,
        0n,
        false,
        1n,
        110000n,
        bytes32(),
        true,
        0n,
      ],
    ]);
    for (const data of ["0x", good.slice(0, -64), `${good}00`, `${good.slice(0, -1)}g`]) {
      expect(() => decodeVerifyLeaf(data))
        .to.throw()
        .that.satisfies((error: unknown) => isError(error, "BAD_DATA"));
    }
    expect(() => encodeVerifyLeaf(1, "0x1234", bytes32(), 0, []))
      .to.throw()
      .that.satisfies((error: unknown) => isError(error, "INVALID_ARGUMENT"));
    expect(() => encodeVerifyLeaf(1, bytes32(), bytes32(), -1, []))
      .to.throw()
      .that.satisfies((error: unknown) => isError(error, "INVALID_ARGUMENT"));
    expect(() => encodeVerifyLeaf(2 ** 32, bytes32(), bytes32(), 0, []))
      .to.throw()
      .that.satisfies((error: unknown) => isError(error, "INVALID_ARGUMENT"));
  });
});
