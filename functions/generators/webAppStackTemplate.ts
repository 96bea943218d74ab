/**
 * The `web-app-stack` template (after the Modern Infrastructure Orchestrator's template of the same name):
 * the defaults an intent's `webAppStack` parameters are merged over, the intent winning field by field.
 *
 * | tier | count | flavor    | subnet        | inbound rules (security group)            |
 * |------|-------|-----------|---------------|-------------------------------------------|
 * | web  | 2     | m1.small  | 10.0.1.0/24   | TCP 80 and 443 from 0.0.0.0/0             |
 * | app  | 2     | m1.medium | 10.0.2.0/24   | TCP app port (8080) from the web subnet   |
 * | db   | 1     | m1.large  | 10.0.3.0/24   | TCP 5432 from the app subnet              |
 *
 * Network 10.0.0.0/16, image `ubuntu-22.04` (or the intent's `containerImage`), gateway network `public`
 * (DevStack's provider network name). No volumes unless a tier has `volumeGiB`. A tier the template does not
 * know needs its `flavor` and `subnetCidr` from the intent, and gets a security group with no inbound rule.
 * Outbound traffic follows Neutron's default egress rules of a new security group.
 */

/** One tier of the template. */
export interface TierTemplate {
  name: string;
  count: number;
  flavor: string;
  subnetCidr: string;
}

/** One inbound rule: TCP `port` from the subnet of tier `fromTier`, or from `0.0.0.0/0`. */
export interface IngressTemplate {
  port: number | "appPort";
  from: { anywhere: true } | { tier: string };
}

export const WEB_APP_STACK_TEMPLATE = {
  name: "web-app-stack",
  networkCidr: "10.0.0.0/16",
  externalNetwork: "public",
  image: "ubuntu-22.04",
  appPort: 8080,
  tiers: [
    { name: "web", count: 2, flavor: "m1.small", subnetCidr: "10.0.1.0/24" },
    { name: "app", count: 2, flavor: "m1.medium", subnetCidr: "10.0.2.0/24" },
    { name: "db", count: 1, flavor: "m1.large", subnetCidr: "10.0.3.0/24" },
  ] as readonly TierTemplate[],
  ingress: {
    web: [
      { port: 80, from: { anywhere: true } },
      { port: 443, from: { anywhere: true } },
    ],
    app: [{ port: "appPort", from: { tier: "web" } }],
    db: [{ port: 5432, from: { tier: "app" } }],
  } as Readonly<Record<string, readonly IngressTemplate[]>>,
} as const;
