import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { encryptKeystoreJson, Transaction, verifyTypedData, Wallet } from "ethers";
import { DELEGATED_TYPES, ledgerDomain } from "../../server/chain/delegatedSigning.ts";
import { Secret } from "../../server/config/secret.ts";
import { loadKeystoreSigners } from "../../server/chain/signers/keystore.ts";
import { RemoteSigner } from "../../server/chain/signers/remoteSigner.ts";
import { SignerUnavailableError, type UnsignedTransaction } from "../../server/chain/signers/transactionSigner.ts";
import { freePort } from "../../scripts/support/serviceProcess.ts";
import { startSignerProcess } from "./support/remoteSigner.ts";

const TX: UnsignedTransaction = {
  to: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  data: "0x12345678",
  nonce: 7,
  chainId: 31337n,
  gasLimit: 100_000n,
  maxFeePerGas: 2_000_000_000n,
  maxPriorityFeePerGas: 1_000_000n,
};

function expectSignedAsAsked(raw: string, from: string): void {
  const tx = Transaction.from(raw);
  expect(tx.from).to.equal(from);
  expect([tx.to, tx.data, tx.nonce, tx.chainId, tx.gasLimit, tx.type]).to.deep.equal([
    TX.to,
    TX.data,
    TX.nonce,
    TX.chainId,
    TX.gasLimit,
    2,
  ]);
}

describe("officer signers", function () {
  this.timeout(60_000);

  describe("JSON keystore", () => {
    let dir: string;
    const officers = [Wallet.createRandom(), Wallet.createRandom()];

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "certledger-keystore-"));
      // a low scrypt cost keeps the test fast; the format is the standard one geth and ethers write
      for (const [i, officer] of officers.entries()) {
        writeFileSync(
          join(dir, `officer-${i}.json`),
          await encryptKeystoreJson(
            { address: officer.address, privateKey: officer.privateKey },
            "correct horse battery",
            { scrypt: { N: 1 << 10 } },
          ),
        );
      }
      writeFileSync(join(dir, "passphrase"), "correct horse battery\n", { mode: 0o600 });
    });

    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it("decrypts one keystore with the passphrase from a file (trailing newline ignored) and signs as its officer", async () => {
      const [signer] = await loadKeystoreSigners(join(dir, "officer-0.json"), { file: join(dir, "passphrase") });
      expect(signer?.address).to.equal(officers[0]?.address);
      expect(signer?.origin).to.equal("keystore");
      expectSignedAsAsked(await signer!.signTransaction(TX), officers[0]!.address);
    });

    it("takes every keystore of a folder, one per officer, with the passphrase from the environment", async () => {
      const signers = await loadKeystoreSigners(dir, { value: new Secret("correct horse battery") });
      expect(signers.map((s) => s.address)).to.deep.equal(officers.map((o) => o.address));
    });

    it("refuses a wrong passphrase, naming the file and never the passphrase", async () => {
      let message = "";
      await loadKeystoreSigners(join(dir, "officer-1.json"), { value: new Secret("Tr0ub4dor&3") }).catch(
        (error: unknown) => {
          message = (error as Error).message;
        },
      );
      expect(message).to.include("officer-1.json");
      expect(message).to.include("wrong passphrase");
      expect(message).not.to.include("Tr0ub4dor");
    });
  });

  describe("remote signer over JSON-RPC", () => {
    const officer = Wallet.createRandom();

    it("finds its accounts and signs what it was asked; when it stops, signing fails as unavailable and health says so", async () => {
      const process = await startSignerProcess(officer.privateKey, await freePort());
      try {
        const [signer] = await RemoteSigner.discover(process.url);
        expect(signer?.address).to.equal(officer.address);
        expect(await signer!.health()).to.deep.include({ ok: true });
        expectSignedAsAsked(await signer!.signTransaction(TX), officer.address);
        await process.stop();
        expect(await signer!.health()).to.deep.include({ ok: false });
        let error: unknown = null;
        await signer!.signTransaction(TX).catch((e: unknown) => {
          error = e;
        });
        expect(error).to.be.instanceOf(SignerUnavailableError);
      } finally {
        await process.stop();
      }
    });

    it("refuses a signed transaction other than the one asked for (a misbehaving or compromised signer)", async () => {
      const process = await startSignerProcess(officer.privateKey, await freePort(), { tamper: true });
      try {
        let error: unknown = null;
        await new RemoteSigner(process.url, officer.address).signTransaction(TX).catch((e: unknown) => {
          error = e;
        });
        expect(error).to.be.instanceOf(SignerUnavailableError);
        expect((error as Error).message).to.match(/other than the one asked/);
      } finally {
        await process.stop();
      }
    });

    it("refuses a signature by another key than the account asked for", async () => {
      const process = await startSignerProcess(officer.privateKey, await freePort());
      try {
        const impostor = Wallet.createRandom();
        let error: unknown = null;
        await new RemoteSigner(process.url, impostor.address).signTransaction(TX).catch((e: unknown) => {
          error = e;
        });
        expect(error).to.be.instanceOf(SignerUnavailableError);
      } finally {
        await process.stop();
      }
    });

    it("signs EIP-712 typed data for the relayer mode (eth_signTypedData_v4)", async () => {
      const process = await startSignerProcess(officer.privateKey, await freePort());
      try {
        const request = {
          domain: ledgerDomain(31337, TX.to),
          types: { Anchor: [...DELEGATED_TYPES.Anchor] },
          message: {
            officer: officer.address,
            root: `0x${"11".repeat(32)}`,
            typeId: 1,
            size: 4,
            nonce: 0,
            deadline: 2_000_000_000,
          },
        };
        const signature = await new RemoteSigner(process.url, officer.address).signTypedData(request);
        expect(verifyTypedData(request.domain, request.types, request.message, signature)).to.equal(officer.address);
        let error: unknown = null;
        await new RemoteSigner(process.url, Wallet.createRandom().address)
          .signTypedData(request)
          .catch((e: unknown) => {
            error = e;
          });
        expect(error, "an account the signer does not hold").to.be.instanceOf(SignerUnavailableError);
      } finally {
        await process.stop();
      }
    });
  });
});
