/**
 * DEV-ONLY stand-in for Web3Signer or Clef, for trying REMOTE_SIGNER_URL and for the tests: a
 * process of its own holding one key, answering JSON-RPC `eth_accounts`, `eth_signTransaction` and
 * `eth_signTypedData_v4` (the relayer mode) on 127.0.0.1:$SIGNER_PORT. It signs whatever it is
 * asked to, with no policy and no HSM: never use it for a real key. With SIGNER_TAMPER=1 (tests) it
 * signs other calldata than asked, and typed data with another key than its account's.
 *
 *   SIGNER_TEST_KEY=0x… SIGNER_PORT=9000 npx tsx scripts/dev/remoteSigner.ts
 */
import { createServer } from "node:http";
import { Wallet, type TypedDataDomain, type TypedDataField } from "ethers";

const key = process.env.SIGNER_TEST_KEY;
const port = Number(process.env.SIGNER_PORT);
if (!key || !Number.isInteger(port)) throw new Error("SIGNER_TEST_KEY and SIGNER_PORT are required");
const wallet = new Wallet(key);
const tamper = process.env.SIGNER_TAMPER === "1";

interface Request {
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

async function answer(request: Request): Promise<unknown> {
  if (request.method === "eth_accounts") return [wallet.address];
  if (request.method === "eth_signTransaction") {
    const [tx] = request.params as [Record<string, string>];
    if (tx.from?.toLowerCase() !== wallet.address.toLowerCase()) throw new Error("unknown account");
    return wallet.signTransaction({
      type: 2,
      to: tx.to,
      data: tamper ? `${tx.data ?? "0x"}00` : tx.data,
      value: BigInt(tx.value ?? "0x0"),
      nonce: Number(BigInt(tx.nonce ?? "0x0")),
      gasLimit: BigInt(tx.gas ?? "0x0"),
      maxFeePerGas: BigInt(tx.maxFeePerGas ?? "0x0"),
      maxPriorityFeePerGas: BigInt(tx.maxPriorityFeePerGas ?? "0x0"),
      chainId: BigInt(tx.chainId ?? "0x0"),
    });
  }
  if (request.method === "eth_signTypedData_v4") {
    const [from, json] = request.params as [string, string];
    if (from.toLowerCase() !== wallet.address.toLowerCase()) throw new Error("unknown account");
    const payload = JSON.parse(json) as {
      domain: TypedDataDomain;
      types: Record<string, TypedDataField[]>;
      message: Record<string, unknown>;
    };
    // ethers derives EIP712Domain from the domain itself and refuses it among the types
    const types = Object.fromEntries(Object.entries(payload.types).filter(([name]) => name !== "EIP712Domain"));
    return (tamper ? Wallet.createRandom() : wallet).signTypedData(payload.domain, types, payload.message);
  }
  throw new Error(`method ${String(request.method)} not supported`);
}

const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString()));
  req.on("end", () => {
    const request = JSON.parse(body) as Request;
    answer(request).then(
      (result) => res.end(JSON.stringify({ jsonrpc: "2.0", id: request.id, result })),
      (error: unknown) =>
        res.end(
          JSON.stringify({
            jsonrpc: "2.0",
            id: request.id,
            error: { code: -32000, message: (error as Error).message },
          }),
        ),
    );
  });
});
server.listen(port, "127.0.0.1", () => {
  process.stdout.write("ready\n");
});
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
