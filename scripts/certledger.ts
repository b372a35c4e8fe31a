#!/usr/bin/env -S npx tsx
import { Command } from "commander";
import { registerAdmin } from "./cli/adminCommands.ts";
import { registerAudit } from "./cli/auditCommand.ts";
import { registerDisclose } from "./cli/discloseCommand.ts";
import { registerTrustList } from "./cli/trustListCommand.ts";
import { registerVerify } from "./cli/verifyCommand.ts";
import { registerWrap } from "./cli/wrapCommand.ts";

const program = new Command("certledger")
  .description("certledger: verify, disclose and wrap certificates; administer agencies, officers and keys")
  .showHelpAfterError();
registerVerify(program);
registerDisclose(program);
registerWrap(program);
registerTrustList(program);
registerAdmin(program);
registerAudit(program);

await program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`certledger: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
