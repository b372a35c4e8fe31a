import { Agent, request } from "node:http";
import { setTimeout as delay } from "node:timers/promises";

export interface PacedFigures {
  offeredPerSecond: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/**
 * GET requests over `paths` at `rate` a second for `seconds`, each sent when it is due whether or
 * not earlier ones were answered (an open loop, over at most `connections` kept-alive sockets).
 * Latency runs from when a request was due (or sent, if sent early), so a service that falls behind
 * shows it in full:
 * autocannon's `overallRate` sends each second's quota in one burst, which measures the burst.
 */
export async function pacedLoad(options: {
  url: string;
  headers: Record<string, string>;
  paths: readonly string[];
  seconds: number;
  rate: number;
  connections: number;
}): Promise<PacedFigures> {
  const { url, headers, paths, seconds, rate, connections } = options;
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const get = (path: string, due: number) =>
    new Promise<void>((resolve) => {
      const sent = request(
        { host: target.hostname, port: target.port, path, method: "GET", headers, agent },
        (response) => {
          response.resume();
          response.on("end", () => {
            latencies.push(performance.now() - due);
            if ((response.statusCode ?? 0) >= 300) non2xx++;
            resolve();
          });
        },
      );
      sent.on("error", () => {
        errors++;
        resolve();
      });
      sent.end();
    });
  const total = Math.round(seconds * rate);
  const interval = 1000 / rate;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  try {
    for (let i = 0; i < total; i++) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait >= 1) await delay(wait);
      // timers wake within a millisecond, early or late: a request sent early counts from its send
      inFlight.push(get(paths[i % paths.length] ?? "/", Math.max(due, performance.now())));
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN);
  return {
    offeredPerSecond: rate,
    requestsPerSecond: Math.round(latencies.length / elapsed),
    p50Ms: quantile(0.5),
    p99Ms: quantile(0.99),
    non2xx,
    errors,
  };
}
