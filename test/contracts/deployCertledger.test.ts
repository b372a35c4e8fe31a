import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "chai";
import { Interface } from "ethers";
import { network } from "hardhat";
import {
  ArtifactError,
  DEFAULT_COMPROMISE_WINDOW,
  DEFAULT_GOVERNANCE_TRANSFER_DELAY,
  deployCertledger,
  readArtifact,
} from "../../server/chain/contracts.ts";
import { AgencyRegistry__factory, CertificateLedger__factory } from "../../types/ethers-contracts/index.ts";

const { ethers } = await network.create();

async function artifactsDirWith(name: string, content: unknown): Promise<URL> {
  const dir = await mkdtemp(join(tmpdir(), "certledger-artifacts-"));
  await mkdir(join(dir, "contracts", `${name}.sol`), { recursive: true });
  await writeFile(join(dir, "contracts", `${name}.sol`, `${name}.json`), JSON.stringify(content));
  return pathToFileURL(`${dir}/`);
}

describe("server/chain/contracts", () => {
  describe("readArtifact", () => {
    it("reads the ABI and creation bytecode of the one contract, registry and ledger", async () => {
      const ledger = await readArtifact("CertificateLedger");
      expect(ledger.contractName).to.equal("CertificateLedger");
      expect(new Interface(ledger.abi).getFunction("addOfficer")).to.not.equal(null);
      expect(new Interface(ledger.abi).getFunction("verifyLeaf")).to.not.equal(null);
      expect(ledger.bytecode).to.equal(CertificateLedger__factory.bytecode);
    });

    it("fails with ARTIFACT_UNAVAILABLE when the build is missing or malformed", async () => {
      const empty = pathToFileURL(`${await mkdtemp(join(tmpdir(), "certledger-none-"))}/`);
      const missing = await readArtifact("CertificateLedger", empty).catch((error: unknown) => error);
      expect(missing).to.be.instanceOf(ArtifactError);
      expect((missing as ArtifactError).code).to.equal("ARTIFACT_UNAVAILABLE");

      const malformed = await artifactsDirWith("CertificateLedger", {
        contractName: "CertificateLedger",
        abi: [],
        bytecode: "0x",
      });
      expect(await readArtifact("CertificateLedger", malformed).catch((error: unknown) => error)).to.be.instanceOf(
        ArtifactError,
      );
      const misnamed = await artifactsDirWith("CertificateLedger", {
        contractName: "AgencyRegistry",
        abi: [],
        bytecode: "0x00",
      });
      expect(await readArtifact("CertificateLedger", misnamed).catch((error: unknown) => error)).to.be.instanceOf(
        ArtifactError,
      );
    });
  });

  describe("deployCertledger", () => {
    it("deploys registry and ledger as one contract under the given governance", async () => {
      const [deployer, governance] = await ethers.getSigners();
      const before = await ethers.provider.getBlockNumber();
      const deployed = await deployCertledger(deployer!, { governance: governance!.address });

      const registry = AgencyRegistry__factory.connect(deployed.registry, ethers.provider);
      expect(deployed.ledger).to.equal(deployed.registry);
      const role = await registry.GOVERNANCE_ROLE();
      expect(await registry.hasRole(role, governance!.address)).to.be.true;
      expect(await registry.hasRole(role, deployer!.address)).to.be.false;
      expect(await registry.defaultAdminDelay()).to.equal(BigInt(DEFAULT_GOVERNANCE_TRANSFER_DELAY));
      expect(await registry.compromiseWindow()).to.equal(BigInt(DEFAULT_COMPROMISE_WINDOW));

      expect(deployed.deploymentBlock).to.be.greaterThan(before);
      const code = await ethers.provider.getCode(deployed.registry, deployed.deploymentBlock);
      expect(code).to.not.equal("0x");
      expect(await ethers.provider.getCode(deployed.registry, deployed.deploymentBlock - 1)).to.equal("0x");
    });

    it("deploys twice in a row from one account", async () => {
      const [deployer] = await ethers.getSigners();
      const first = await deployCertledger(deployer!, { governance: deployer!.address });
      const second = await deployCertledger(deployer!, { governance: deployer!.address });
      expect(second.registry).to.not.equal(first.registry);
      expect(second.deploymentBlock).to.be.greaterThan(first.deploymentBlock);
    });
  });
});
