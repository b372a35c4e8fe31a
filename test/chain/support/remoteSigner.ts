import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";

export interface SignerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const tsx = createRequire(import.meta.url).resolve("tsx/cli");
const script = new URL("../../../scripts/dev/remoteSigner.ts", import.meta.url).pathname;

/** Starts the stand-in remote signer as its own process, holding `key`; resolves once it listens. */
export async function startSignerProcess(
  key: string,
  port: number,
  options: { tamper?: boolean } = {},
): Promise<SignerProcess> {
  const child = spawn(process.execPath, [tsx, script], {
    env: { ...process.env, SIGNER_TEST_KEY: key, SIGNER_PORT: String(port), SIGNER_TAMPER: options.tamper ? "1" : "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("ready")) resolve();
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      reject(new Error(`the signer process exited with ${String(code)}: ${output}`));
    });
  });
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      resolve();
    }),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
