/**
 * SLO charts: for each verification record, per site and target, the sampled values over the window as
 * an SVG line against the threshold; samples that violate the threshold are marked (red, and listed for
 * screen readers).
 */
import type { EvidenceRecord } from "./api.js";

interface Sample {
  at: string;
  raw?: string;
}
interface Target {
  targetId: string;
  comparison: string;
  threshold: number | [number, number];
  unit: string;
  samples: Sample[];
}
interface SiteSlo {
  site: string;
  decision?: { decision: string };
  targets: Target[];
}

const W = 360;
const H = 120;
const PAD = 28;

function violates(value: number, comparison: string, threshold: number | [number, number]): boolean {
  if (Array.isArray(threshold)) return value < threshold[0] || value > threshold[1];
  switch (comparison) {
    case "<":
      return !(value < threshold);
    case "<=":
      return !(value <= threshold);
    case ">":
      return !(value > threshold);
    case ">=":
      return !(value >= threshold);
    default:
      return false;
  }
}

function Chart({ target, site }: { target: Target; site: string }) {
  const points = target.samples
    .map((s) => ({ t: Date.parse(s.at), v: s.raw === undefined ? Number.NaN : Number(s.raw) }))
    .filter((p) => Number.isFinite(p.v));
  const limit = Array.isArray(target.threshold) ? target.threshold[1] : target.threshold;
  if (points.length === 0) {
    return (
      <figure class="slo-chart">
        <figcaption>
          {site} · {target.targetId}: no data
        </figcaption>
      </figure>
    );
  }
  const t0 = points[0]!.t;
  const t1 = Math.max(points.at(-1)!.t, t0 + 1);
  const vMax = Math.max(limit, ...points.map((p) => p.v)) * 1.15 || 1;
  const x = (t: number) => PAD + ((t - t0) / (t1 - t0)) * (W - 2 * PAD);
  const y = (v: number) => H - PAD / 2 - (v / vMax) * (H - PAD);
  const breaches = points.filter((p) => violates(p.v, target.comparison, target.threshold));
  const name = `${site} · ${target.targetId} ${target.comparison} ${limit} ${target.unit}`;
  return (
    <figure class="slo-chart" data-testid="slo-chart" data-breaches={breaches.length}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${name}: ${points.length} samples, ${breaches.length} breaching`}
      >
        <line class="threshold" x1={PAD} x2={W - PAD} y1={y(limit)} y2={y(limit)} />
        <text class="axis" x={W - PAD} y={y(limit) - 3} text-anchor="end">
          {limit} {target.unit}
        </text>
        <polyline class="series" points={points.map((p) => `${x(p.t)},${y(p.v)}`).join(" ")} />
        {points.map((p) => (
          <circle
            key={p.t}
            class={violates(p.v, target.comparison, target.threshold) ? "breach" : "ok"}
            cx={x(p.t)}
            cy={y(p.v)}
            r={3}
          />
        ))}
        <text class="axis" x={PAD} y={H - 2}>
          0 s
        </text>
        <text class="axis" x={W - PAD} y={H - 2} text-anchor="end">
          {((t1 - t0) / 1000).toFixed(0)} s
        </text>
      </svg>
      <figcaption>
        {name}
        {breaches.length ? (
          <strong class="breach-label"> · breach ({breaches.length} samples)</strong>
        ) : (
          " · within"
        )}
      </figcaption>
    </figure>
  );
}

export function SloCharts({ records }: { records: EvidenceRecord[] }) {
  const verifications = records.filter((r) => r.action === "verify" && r.details && "slo" in r.details);
  if (verifications.length === 0) return null;
  return (
    <section class="slo" aria-label="SLO verification">
      <h3>SLO verification</h3>
      {verifications.map((record) => {
        const slo = (record.details as { slo: Record<string, SiteSlo> }).slo;
        return (
          <div key={record.seq} class="verification">
            <h4>
              Verification #{record.seq} ({record.result}) at {record.timestamp}
            </h4>
            <div class="charts">
              {Object.entries(slo).flatMap(([site, evidence]) =>
                (evidence.targets ?? []).map((t) => (
                  <Chart key={`${site}${t.targetId}`} site={site} target={t} />
                )),
              )}
            </div>
          </div>
        );
      })}
    </section>
  );
}
