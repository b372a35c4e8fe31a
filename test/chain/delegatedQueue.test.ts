// The relayer mode below the anchoring service: the officer signs EIP-712 messages, the relayer
// key sends them. The ledger acts for the officer; a signature that is not the officer's, or one
// the ledger would refuse, is stopped before anything is recorded or broadcast.
import { expect } from "chai";
import { Wallet, type Provider } from "ethers";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import { DelegatedOfficerQueue, DelegatedSignatureError } from "../../server/chain/delegatedQueue.ts";
import { SignerQueue } from "../../server/chain/signerQueue.ts";
import type { TypedDataSigner } from "../../server/chain/signers/transactionSigner.ts";
import { WalletSigner } from "../../server/chain/signers/walletSigner.ts";
import { statusTarget } from "../../server/chain/statusTarget.ts";
import { AGENCY_A, Batch, DIPLOMA, LeafStatus, Reason, deployWithAgencies } from "../contracts/fixtures.ts";

const { ethers, networkHelpers } = await network.create();
const ledgerInterface = ICertificateLedger__factory.createInterface();

/** An officer whose key stays in the test's signer: only typed data is ever asked of it. */
function officerSigner(
  officer: HardhatEthersSigner,
  signWith: { signTypedData: HardhatEthersSigner["signTypedData"] } = officer,
): TypedDataSigner {
  return {
    address: officer.address,
    origin: "remote",
    signTransaction: () => Promise.reject(new Error("the relayer mode never asks an officer to sign a transaction")),
    signTypedData: (request) => signWith.signTypedData(request.domain, request.types, request.message),
    health: () => Promise.resolve({ ok: true, detail: "test officer" }),
  };
}

async function relayed() {
  const deployed = await deployWithAgencies(ethers);
  const relayerWallet = Wallet.createRandom();
  await (await deployed.stranger.sendTransaction({ to: relayerWallet.address, value: 10n ** 18n })).wait();
  const provider = ethers.provider as unknown as Provider;
  const relayer = new SignerQueue(WalletSigner.fromPrivateKey(relayerWallet.privateKey, "environment"), provider);
  const ledger = await deployed.ledger.getAddress();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const queueFor = (officer: TypedDataSigner, options: { validitySeconds?: number } = {}) =>
    new DelegatedOfficerQueue(officer, relayer, provider, { ledger, chainId, ...options });
  return { ...deployed, relayerWallet, ledgerAddress: ledger, queueFor };
}

describe("DelegatedOfficerQueue (relayer mode)", () => {
  it("anchors and revokes for the officer with the relayer's transactions, one fresh signature each", async () => {
    const { ledger, ledgerAddress, officerA, relayerWallet, queueFor } = await networkHelpers.loadFixture(relayed);
    const queue = queueFor(officerSigner(officerA));
    expect(queue.address).to.equal(officerA.address);
    const recorded: string[] = [];
    const record = ({ hash }: { hash: string }) => {
      recorded.push(hash);
      return Promise.resolve();
    };
    for (const [n, batch] of [new Batch("relayed-1", 4), new Batch("relayed-2", 4)].entries()) {
      const sent = await queue.send(
        { to: ledgerAddress, data: ledgerInterface.encodeFunctionData("anchor", [batch.root, DIPLOMA, batch.size]) },
        record,
      );
      const receipt = await queue.waitFor(sent.hash, 1, 10_000);
      expect(receipt?.status).to.equal(1);
      expect(sent.from, "sent by the relayer").to.equal(relayerWallet.address);
      expect(recorded[n], "recorded before broadcast").to.equal(sent.hash);
      expect((await ledger.batch(AGENCY_A, batch.root)).officer, "anchored for the officer").to.equal(officerA.address);
    }

    const batch = new Batch("relayed-1", 4);
    const { leaf, index, proof } = batch.certificate(2);
    const revoke = ledgerInterface.encodeFunctionData("revoke", [
      batch.root,
      leaf,
      statusTarget(AGENCY_A, index, Reason.keyCompromise),
      proof,
    ]);
    const revoked = await queue.send({ to: ledgerAddress, data: revoke }, record);
    expect((await queue.waitFor(revoked.hash, 1, 10_000))?.status).to.equal(1);
    expect((await ledger.leafStatus(AGENCY_A, batch.root, index))[0]).to.equal(LeafStatus.Revoked);
    const sent = await ledger.runner!.provider!.getTransaction(revoked.hash);
    expect(ledgerInterface.parseTransaction({ data: sent!.data })?.name).to.equal("changeStatusBySig");
    expect(
      await ledger.statusVersion(AGENCY_A, batch.root, index),
      "the relayed revocation moved its status word's version on",
    ).to.equal(1n);
  });

  it("refuses a signature by another key before recording or sending anything", async () => {
    const { ledger, ledgerAddress, officerA, stranger, relayerWallet, queueFor } =
      await networkHelpers.loadFixture(relayed);
    const queue = queueFor(officerSigner(officerA, stranger));
    const batch = new Batch("forged", 4);
    let recorded = false;
    const sending = queue.send(
      { to: ledgerAddress, data: ledgerInterface.encodeFunctionData("anchor", [batch.root, DIPLOMA, batch.size]) },
      () => {
        recorded = true;
        return Promise.resolve();
      },
    );
    const error = await sending.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(DelegatedSignatureError);
    expect((error as Error).message).to.match(new RegExp(`by ${stranger.address}.*${officerA.address}`));
    expect(recorded).to.equal(false);
    expect(await ethers.provider.getTransactionCount(relayerWallet.address)).to.equal(0);
    expect((await ledger.batch(AGENCY_A, batch.root)).officer).to.equal(ethers.ZeroAddress);
  });

  it("sends nothing the ledger refuses: a signature past its deadline fails the gas estimate", async () => {
    const { ledgerAddress, officerA, relayerWallet, queueFor } = await networkHelpers.loadFixture(relayed);
    const queue = queueFor(officerSigner(officerA), { validitySeconds: -60 });
    const batch = new Batch("expired", 4);
    let recorded = false;
    const sending = queue.send(
      { to: ledgerAddress, data: ledgerInterface.encodeFunctionData("anchor", [batch.root, DIPLOMA, batch.size]) },
      () => {
        recorded = true;
        return Promise.resolve();
      },
    );
    const error = await sending.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error, "refused at the gas estimate").not.to.equal(null);
    expect(ledgerInterface.parseError((error as { data: string }).data)?.name).to.equal(
      "CertificateLedgerSignatureExpired",
    );
    expect(recorded).to.equal(false);
    expect(await ethers.provider.getTransactionCount(relayerWallet.address)).to.equal(0);
  });
});
