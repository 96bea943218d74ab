/**
 * The service's Prometheus metrics (prom-client), derived from run transitions and HTTP responses:
 *
 * - `intent_processed_total{result}`: runs that reached a terminal phase, by that phase
 * - `intentops_phase_duration_seconds{phase}`: time a run spent in each phase (histogram)
 * - `gitops_sync_lag_seconds`: from the delivery push (Delivering done) to every site applied and
 *   healthy (Reconciling done)
 * - `slo_violations_total`: verifications that found an SLO breach
 * - `rollbacks_total`: runs rolled back
 * - `http_requests_total{method,route,status}`, `http_request_duration_seconds{method,route}`
 * - `intentops_intake_log_write_seconds`: each group write of the intake log until it is on disk (what an
 *   accepted request's answer waits for), and `intentops_intake_log_write_entries` (entries per write)
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import type { Phase, RunState } from "../run/runTypes.js";

export interface ServiceMetrics {
  registry: Registry;
  /** Called on every run transition (from the runner's onTransition). */
  transition(run: RunState, from: Phase, to: Phase, at: number): void;
  request(method: string, route: string, status: number, seconds: number): void;
  /** Called after each group write of the intake log. */
  intakeWrite(seconds: number, entries: number): void;
}

const PHASE_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];

export function createServiceMetrics(options: { terminal: (phase: Phase) => boolean }): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const processed = new Counter({
    name: "intent_processed_total",
    help: "Runs that reached a terminal phase, by that phase",
    labelNames: ["result"],
    registers: [registry],
  });
  const phaseDuration = new Histogram({
    name: "intentops_phase_duration_seconds",
    help: "Time a run spent in a phase",
    labelNames: ["phase"],
    buckets: PHASE_BUCKETS,
    registers: [registry],
  });
  const syncLag = new Histogram({
    name: "gitops_sync_lag_seconds",
    help: "From the delivery push to every target site applied and healthy",
    buckets: PHASE_BUCKETS,
    registers: [registry],
  });
  const violations = new Counter({
    name: "slo_violations_total",
    help: "Verifications that found an SLO breach",
    registers: [registry],
  });
  const rollbacks = new Counter({ name: "rollbacks_total", help: "Runs rolled back", registers: [registry] });
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests answered",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration",
    labelNames: ["method", "route"],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const intakeWrites = new Histogram({
    name: "intentops_intake_log_write_seconds",
    help: "Group writes of the intake log, until on disk (an accepted request's answer waits for one)",
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const intakeEntries = new Histogram({
    name: "intentops_intake_log_write_entries",
    help: "Entries per group write of the intake log",
    buckets: [1, 2, 5, 10, 20, 50, 100],
    registers: [registry],
  });
  // When each run entered its current phase (process-local: a resumed run starts counting at resume).
  const entered = new Map<string, number>();
  const deliveredAt = new Map<string, number>();

  return {
    registry,
    transition(run, from, to, at) {
      const since = entered.get(run.runId);
      if (since !== undefined && from !== to) phaseDuration.observe({ phase: from }, (at - since) / 1000);
      if (from === "Delivering" && to === "Reconciling") deliveredAt.set(run.runId, at);
      if (from === "Reconciling" && to !== "Reconciling") {
        const pushed = deliveredAt.get(run.runId);
        if (pushed !== undefined && to === "Verifying") syncLag.observe((at - pushed) / 1000);
        deliveredAt.delete(run.runId);
      }
      if (from === "Verifying" && run.data.verdict?.decision === "breach") violations.inc();
      if (to === "RolledBack") rollbacks.inc();
      if (options.terminal(to)) {
        processed.inc({ result: to });
        entered.delete(run.runId);
        deliveredAt.delete(run.runId);
      } else entered.set(run.runId, at);
    },
    request(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      latency.observe({ method, route }, seconds);
    },
    intakeWrite(seconds, entries) {
      intakeWrites.observe(seconds);
      intakeEntries.observe(entries);
    },
  };
}
