/**
 * A tiny Prometheus scrape target for tests: a node http server on 127.0.0.1 (port 0) serving `/metrics`
 * in the Prometheus text format (0.0.4), with histograms, counters and gauges whose values the test sets.
 * `onScrape` runs before each scrape is rendered, so a test can model traffic per scrape (e.g. "10 requests
 * at the current latency") and Prometheus' 1 s scrapes drive the simulation.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type Labels = Readonly<Record<string, string>>;

export interface Histogram {
  observe(value: number, count?: number): void;
}
export interface Counter {
  /**
   * Adds `by`. With `timestampMs` the sample is exposed with that timestamp (as cAdvisor exposes container
   * counters), so Prometheus stores the time the value belongs to instead of the time it scraped.
   */
  inc(by?: number, timestampMs?: number): void;
}
export interface Gauge {
  set(value: number): void;
}

export interface MetricsTarget {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `127.0.0.1:<port>`, for a scrape config. */
  address: string;
  histogram(name: string, labels: Labels, buckets: readonly number[]): Histogram;
  counter(name: string, labels: Labels): Counter;
  gauge(name: string, labels: Labels): Gauge;
  /** Removes every series whose labels include all of `labels` (a workload going away). */
  remove(labels: Labels): void;
  /** Runs before each scrape is rendered. */
  onScrape(hook: () => void): void;
  /** The exposition text as the next scrape would see it (runs no hooks). */
  render(): string;
  scrapes(): number;
  close(): Promise<void>;
}

type Family = { type: "histogram" | "counter" | "gauge"; series: Map<string, SeriesState> };
type SeriesState = {
  labels: Labels;
  value: number;
  timestampMs?: number;
  buckets?: { le: number; count: number }[];
  sum?: number;
  count?: number;
};

/** Label value escaping of the text format: `\` → `\\`, `"` → `\"`, line feed → `\n`. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (extra) pairs.push(extra);
  return pairs.length ? `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}` : "";
}

function number(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** Starts the target. */
export async function startMetricsTarget(): Promise<MetricsTarget> {
  const families = new Map<string, Family>();
  const hooks: (() => void)[] = [];
  let scrapes = 0;

  const seriesOf = (name: string, type: Family["type"], labels: Labels): SeriesState => {
    let family = families.get(name);
    if (!family) {
      family = { type, series: new Map() };
      families.set(name, family);
    }
    if (family.type !== type) throw new Error(`${name} is a ${family.type}, not a ${type}`);
    const key = labelText(labels);
    let state = family.series.get(key);
    if (!state) {
      state = { labels: { ...labels }, value: 0 };
      family.series.set(key, state);
    }
    return state;
  };

  const render = (): string => {
    const lines: string[] = [];
    for (const [name, family] of [...families].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (family.series.size === 0) continue;
      lines.push(`# TYPE ${name} ${family.type}`);
      for (const s of family.series.values()) {
        if (family.type !== "histogram") {
          const at = s.timestampMs === undefined ? "" : ` ${s.timestampMs}`;
          lines.push(`${name}${labelText(s.labels)} ${number(s.value)}${at}`);
          continue;
        }
        for (const b of s.buckets ?? [])
          lines.push(`${name}_bucket${labelText(s.labels, ["le", number(b.le)])} ${b.count}`);
        lines.push(`${name}_sum${labelText(s.labels)} ${number(s.sum ?? 0)}`);
        lines.push(`${name}_count${labelText(s.labels)} ${s.count ?? 0}`);
      }
    }
    return `${lines.join("\n")}\n`;
  };

  const server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    scrapes += 1;
    for (const hook of hooks) hook();
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(render());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    histogram(name, labels, buckets) {
      const state = seriesOf(name, "histogram", labels);
      state.buckets ??= [...buckets, Number.POSITIVE_INFINITY].map((le) => ({ le, count: 0 }));
      return {
        observe(value, count = 1) {
          for (const b of state.buckets!) if (value <= b.le) b.count += count;
          state.sum = (state.sum ?? 0) + value * count;
          state.count = (state.count ?? 0) + count;
        },
      };
    },
    counter(name, labels) {
      const state = seriesOf(name, "counter", labels);
      return {
        inc(by = 1, timestampMs) {
          state.value += by;
          if (timestampMs !== undefined) state.timestampMs = timestampMs;
        },
      };
    },
    gauge(name, labels) {
      const state = seriesOf(name, "gauge", labels);
      return {
        set(value) {
          state.value = value;
        },
      };
    },
    remove(labels) {
      for (const family of families.values()) {
        for (const [key, s] of family.series) {
          if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) family.series.delete(key);
        }
      }
    },
    onScrape(hook) {
      hooks.push(hook);
    },
    render,
    scrapes: () => scrapes,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
