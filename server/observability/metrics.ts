import { performance } from "node:perf_hooks";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { CountsByState } from "./certificateCounts.ts";

/** The service's Prometheus metrics, on a registry of its own (no process-wide default). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: "certledger_http_requests_total",
    help: "HTTP requests by route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: "certledger_http_request_duration_seconds",
    help: "HTTP request duration by route",
    labelNames: ["method", "route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly verifications = new Counter({
    name: "certledger_verifications_total",
    help: "Verification results by status",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  readonly issued = new Counter({
    name: "certledger_certificates_issued_total",
    help: "Certificates accepted for issuance",
    registers: [this.registry],
  });
  readonly batchesAnchored = new Counter({
    name: "certledger_batches_anchored_total",
    help: "Batches whose root was anchored on chain",
    registers: [this.registry],
  });
  readonly anchorLatency = new Histogram({
    name: "certledger_anchor_latency_seconds",
    help: "Time from a certificate's acceptance to its batch being anchored",
    buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  /** `countCertificates`: certificates by pipeline state, read at each scrape */
  constructor(countCertificates: () => Promise<CountsByState>) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: "certledger_certificates",
      help: "Certificates by pipeline state",
      labelNames: ["state"] as const,
      registers: [this.registry],
      async collect() {
        const counts = await countCertificates();
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
    // process_cpu_seconds_total adds every thread up (SQLite's writer too); the event loop is one
    // thread, and its busy share near 1 says requests now wait for it whatever the cores have left
    let reportedSeconds = 0;
    new Counter({
      name: "certledger_event_loop_busy_seconds_total",
      help: "Time the main thread's event loop spent running callbacks rather than waiting for I/O",
      registers: [this.registry],
      collect() {
        const busySeconds = performance.eventLoopUtilization().active / 1000;
        this.inc(busySeconds - reportedSeconds);
        reportedSeconds = busySeconds;
      },
    });
  }
}
