// Rewrites test/fixtures/adversarial/ from a fresh local chain: the scenario's genuine documents,
// doctored as an attacker holding them would. Run it when the format or the scenario changes on
// purpose; test/adversarial/corpus.test.ts checks a fresh scenario still matches scenario.json.
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { startLocalChain } from "../../server/chain/localChain/localChain.ts";
import { createProvider } from "../../server/chain/provider.ts";
import { disclose } from "../../server/core/document/disclose.ts";
import type { BatchedDocument } from "../../server/core/document/model.ts";
import { fieldHashes } from "../../server/core/hashing/fields.ts";
import type { VerificationStatus } from "../../server/core/verification/result.ts";
import { freePort, tempDir } from "../../test/chain/helpers.ts";
import { buildScenario, scenarioFacts } from "../../test/adversarial/scenario.ts";

interface Entry {
  name: string;
  expect: VerificationStatus;
  why: string;
  document: unknown;
}

const OUT = new URL("../../test/fixtures/adversarial/", import.meta.url).pathname;
const clone = <T>(value: T): T => structuredClone(value);
const omit = <T extends object>(record: T, key: string): T =>
  Object.fromEntries(Object.entries(record).filter(([k]) => k !== key)) as T;

const dir = await tempDir("certledger-corpus-");
const chain = await startLocalChain({ dataDir: join(dir, "data"), port: await freePort() });
const provider = createProvider(chain.rpcUrl, { chainId: chain.chainId });
try {
  const scenario = await buildScenario(provider);
  const { keccak } = scenario.trusted;
  const b = scenario.batches;
  const [expired, control, noExpiry] = b.licences.documents as [BatchedDocument, BatchedDocument, BatchedDocument];
  const hashesOf = (document: BatchedDocument) => fieldHashes(document, keccak);
  const hashOf = (document: BatchedDocument, path: string): string => {
    const hash = hashesOf(document)[path];
    if (hash === undefined) throw new Error(`${path} is not a field of the document`);
    return hash;
  };
  /** `path` out of view (value and salt gone) and its hash listed in `hidden` under `as` */
  const hideAs = (document: BatchedDocument, path: string, as: string): BatchedDocument => {
    const hash = hashOf(document, path);
    const base: BatchedDocument = path.startsWith("subject.")
      ? { ...document, subject: omit(document.subject, path.slice("subject.".length)) }
      : omit(document, path);
    return { ...base, salts: omit(document.salts, path), hidden: { ...document.hidden, [as]: hash } };
  };

  const entries: Entry[] = [];
  const add = (name: string, expect: VerificationStatus, why: string, document: unknown) =>
    entries.push({ name, expect, why, document });

  add(
    "control",
    "VALID",
    "The untouched licence in force, anchored on the trusted ledger by an authorised officer: the only entry that may ever be VALID.",
    control,
  );
  add(
    "expired-validuntil-hidden-under-invented-name",
    "TAMPERED",
    "Attack 1 of the issue: an expired licence whose validUntil field hash was moved into `hidden` as `subject.note`, validUntil and its salt deleted. certledger/1 kept the leaf and said VALID; certledger/2 binds each field's path into the leaf, so the leaf no longer matches.",
    hideAs(expired, "validUntil", "subject.note"),
  );
  add(
    "forged-on-lookalike-ledger",
    "UNTRUSTED_LEDGER",
    "Attack 2 of the issue: a forged licence naming Beijing, anchored on a copy of the contracts deployed by the attacker on the same chain with its own 'agency 1, 110000'. Its proof is genuine for that ledger, which no verifier here recognises; the CLI without a pin refuses too (exit 4).",
    b.forged.documents[0],
  );
  {
    const disclosed = disclose(control, [], keccak);
    add(
      "hidden-fields-relabelled",
      "TAMPERED",
      "A disclosed licence whose hidden address and holder name swapped labels: each hash is genuine, but bound to the other name.",
      {
        ...disclosed,
        hidden: {
          ...disclosed.hidden,
          "subject.address": hashOf(control, "subject.holderName"),
          "subject.holderName": hashOf(control, "subject.address"),
        },
      },
    );
  }
  add(
    "validuntil-hidden-under-its-own-name",
    "TAMPERED",
    "The expired licence with validUntil hidden honestly (its hash under its own name, so the leaf still matches): validUntil may never be hidden, or an expired licence would pass for one without expiry.",
    hideAs(expired, "validUntil", "validUntil"),
  );
  {
    const doctored = clone(control);
    doctored.subject.vehicleClasses = "A1B1";
    add(
      "value-changed-salt-kept",
      "TAMPERED",
      "Permitted vehicle classes raised from C1 to A1B1, the field's salt kept.",
      doctored,
    );
  }
  {
    const doctored = clone(control);
    doctored.salts["subject.holderName"] = "00".repeat(16);
    add("salt-changed", "TAMPERED", "The holder name's salt replaced.", doctored);
  }
  {
    const doctored = clone(control);
    (doctored.subject as Record<string, string>).remark = "允许驾驶重型货车";
    doctored.salts["subject.remark"] = "11".repeat(16);
    add("field-added", "TAMPERED", "A field the licence never had, with a salt of its own.", doctored);
  }
  add(
    "field-shown-and-hidden",
    "MALFORMED",
    "The address shown and, at the same time, listed in `hidden` with its genuine hash: a field is either shown or hidden.",
    { ...clone(control), hidden: { "subject.address": hashOf(control, "subject.address") } },
  );
  add(
    "proof-of-another-certificate",
    "TAMPERED",
    "The control licence carrying the Merkle path of its batch neighbour (without expiry): the path does not lead from this licence to the root.",
    { ...clone(control), proof: { ...control.proof, proof: noExpiry.proof.proof } },
  );
  add(
    "another-index",
    "TAMPERED",
    "The control licence claiming index 2 of its batch (the ledger keeps statuses by index): the proof binds the index too.",
    { ...clone(control), proof: { ...control.proof, index: 2 } },
  );
  add(
    "proof-from-another-batch-of-the-same-agency",
    "TAMPERED",
    "The control licence with the root and path of another Beijing batch anchored on the trusted ledger.",
    {
      ...clone(control),
      proof: { ...control.proof, root: b.moreLicences.root, proof: b.moreLicences.documents[0]?.proof.proof ?? [] },
    },
  );
  add(
    "batch-of-another-agency",
    "NOT_ANCHORED",
    "A licence naming Beijing (agency 1, 110000), in a batch anchored on the trusted ledger by Tianjin's officer (agency 2): the ledger keys batches by agency and root, so Beijing never anchored this root and Tianjin's batch cannot pass for Beijing's.",
    b.tianjinClaimingBeijing.documents[0],
  );
  add(
    "right-proof-on-another-chain-id",
    "UNTRUSTED_LEDGER",
    "The control licence, proof intact, claiming to be anchored on chain 1 at the trusted ledger's address: a ledger is trusted on one chain, not on every chain where that address exists.",
    { ...clone(control), proof: { ...control.proof, chainId: 1 } },
  );
  {
    const disclosed = disclose(control, ["subject.holderName", "subject.vehicleClasses"], keccak);
    add(
      "disclosed-issuer-edited",
      "TAMPERED",
      "A disclosed licence whose issuer name was changed to another agency's: the issuer fields are never hidden and always hashed.",
      { ...disclosed, issuer: { ...disclosed.issuer, name: "天津市公安交通管理局" } },
    );
  }
  add(
    "anchored-after-officer-compromise",
    "ISSUER_UNAUTHORIZED",
    "A genuine licence anchored by a Beijing officer declared compromised since the time of that anchoring: what a stolen key did after its compromise time does not verify.",
    b.byCompromisedOfficer.documents[0],
  );
  add(
    "genuine-root-on-lookalike-ledger",
    "UNTRUSTED_LEDGER",
    "The control licence pointing at the look-alike ledger, where the attacker anchored the same root again: the look-alike answers 'anchored, agency 1, active', and is not recognised.",
    b.copied.documents[1],
  );
  {
    const legacy = JSON.parse(
      readFileSync(new URL("../../test/fixtures/certledger-1-document.json", import.meta.url), "utf8"),
    ) as BatchedDocument;
    add(
      "certledger-1-document",
      "MALFORMED",
      "A certledger/1 document: its hash does not bind hidden fields' names, so it is refused with a message saying so, whatever the ledger says.",
      { ...legacy, proof: { ...legacy.proof, chainId: scenario.trusted.chainId, ledger: scenario.trusted.ledger } },
    );
  }

  await mkdir(OUT, { recursive: true });
  for (const name of await readdir(OUT)) if (name.endsWith(".json") || name === "README.md") await rm(join(OUT, name));
  await writeFile(join(OUT, "scenario.json"), `${JSON.stringify(scenarioFacts(scenario), null, 2)}\n`);
  for (const [i, entry] of entries.entries()) {
    await writeFile(
      join(OUT, `${String(i).padStart(2, "0")}-${entry.name}.json`),
      `${JSON.stringify(entry, null, 2)}\n`,
    );
  }
  const rows = entries.map(
    (entry, i) =>
      `| \`${String(i).padStart(2, "0")}-${entry.name}.json\` | \`${entry.expect}\` | ${entry.why.replace(/\|/g, "\\|")} |`,
  );
  await writeFile(
    join(OUT, "README.md"),
    [
      "# Adversarial corpus",
      "",
      "Doctored certificate documents, each with the verdict it must get and why. `test/adversarial/corpus.test.ts` runs every one",
      "through the engine, `POST /api/v1/verify`, the CLI (`--ledger` pinned to the trusted deployment) and the `/scan` page's file",
      "upload, against the scenario of `test/adversarial/scenario.ts` rebuilt on a fresh local chain (`scenario.json`: its addresses and",
      "roots). Only the untouched control may be VALID. Generated by `npx tsx scripts/test/writeAdversarialCorpus.ts`: do not edit by hand.",
      "",
      "| file | verdict | why |",
      "| --- | --- | --- |",
      ...rows,
      "",
    ].join("\n"),
  );
  console.log(`${entries.length} corpus entries written to ${OUT}`);
} finally {
  provider.destroy();
  await chain.stop();
  await rm(dir, { recursive: true, force: true });
}
