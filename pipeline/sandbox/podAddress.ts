/**
 * How the sandbox makes pod addresses scrapable on one machine where only loopback may be scraped.
 *
 * A loopback pod CIDR is not an option: the API server accepts 127.x pod IPs, but Endpoints and
 * EndpointSlices refuse loopback addresses ("may not be in the loopback range"), so a Service would have
 * no endpoints and a ServiceMonitor nothing to discover. The sites therefore give pods private addresses
 * (kwok allocates them from `--pod-cidr`, one /16 per site, claimed per sandbox by `claimPodRanges.ts`:
 * 10.244.0.0/16, 10.245.0.0/16 for the first sandbox on the machine, the next free ones for another), discovery
 * reports them unchanged, and the sandbox's network maps each pod address one to one into loopback —
 * 10.A.B.C → 127.A.B.C, which Linux routes to `lo` without any set-up. The workload simulator listens on
 * the mapped address of each pod, and the Prometheus config ends every discovered job with the same
 * mapping and a `keep` of 127.0.0.0/8, so the discovered `__address__` (pod IP and container port) still
 * names exactly one pod and nothing outside loopback is ever scraped.
 */

/** 10.A.B.C → 127.A.B.C; undefined for any other address (it is not a sandbox pod address). */
export function loopbackOf(podIp: string): string | undefined {
  const m = /^10\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(podIp);
  return m ? `127.${m[1]}.${m[2]}.${m[3]}` : undefined;
}

/** The Prometheus relabel rules that apply `loopbackOf` to `__address__` and keep only loopback targets. */
export const LOOPBACK_RELABELINGS: ReadonlyArray<Readonly<Record<string, unknown>>> = [
  {
    source_labels: ["__address__"],
    regex: "10\\.(\\d+)\\.(\\d+)\\.(\\d+):(\\d+)",
    target_label: "__address__",
    replacement: "127.$1.$2.$3:$4",
  },
  { source_labels: ["__address__"], regex: "127\\.\\d+\\.\\d+\\.\\d+:\\d+", action: "keep" },
];
