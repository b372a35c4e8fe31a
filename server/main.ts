import { pino } from "pino";
import { armCrashPoint, CrashHookRefused } from "./anchoring/crashPoints.ts";
import { ConfigError, loadConfig } from "./config/loadConfig.ts";
import { requestIdMixin } from "./observability/requestContext.ts";
import { startService } from "./serviceLifetime.ts";

let config;
try {
  config = loadConfig(process.env);
  armCrashPoint(process.env);
} catch (error) {
  if (error instanceof ConfigError || error instanceof CrashHookRefused) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

const logger = pino({ level: config.logLevel, base: { service: "certledger" }, mixin: requestIdMixin });
const service = await startService(config, {
  logger,
  print: (text) => {
    process.stdout.write(`${text}\n`);
  },
}).catch((error: unknown) => {
  logger.fatal({ err: error }, "certledger could not start");
  process.exit(1);
});

let signalled = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, "stopping");
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "stop failed");
        process.exit(1);
      },
    );
  });
}
