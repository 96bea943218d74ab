/**
 * The web-app-stack intent of the repository, changed the way an operator would change it (a tier's count,
 * flavor), compiled and rendered by the project's own compiler and generators into the objects an
 * OpenStack site receives.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { compileIntent } from "../../../compiler/compileIntent.js";
import { parseSiteRegistry } from "../../../compiler/parseSiteRegistry.js";
import type { SiteRegistry } from "../../../compiler/types.js";
import { generatePackage } from "../../../functions/generators/index.js";
import type { KrmObject } from "../../../functions/runtime/types.js";

const ROOT = join(import.meta.dirname, "../../..");
export const INTENT_ID = "web-app-stack";

export type TierChanges = Record<string, { count?: number; flavor?: string }>;

/** The intent's JSON text with tier changes applied (and a version bump, as a real revision would have). */
export async function webAppStackIntent(changes: TierChanges = {}): Promise<string> {
  const intent = JSON.parse(await readFile(join(ROOT, "intents", "web-app-stack.json"), "utf8"));
  const params = intent.expression.expressionValue["icm:hasExpectation"][0]["icm:params"];
  // an RDF list (`{ "@list": [...] }`) keeps the tiers' order in the JSON-LD graph
  const tiers = params["io:tiers"]["@list"] ?? params["io:tiers"];
  for (const tier of tiers as Array<Record<string, unknown>>) {
    const change = changes[tier["io:name"] as string];
    if (change?.count !== undefined) tier["io:count"] = change.count;
    if (change?.flavor !== undefined) tier["io:flavor"] = change.flavor;
  }
  if (Object.keys(changes).length > 0) intent.version = `1-${Object.keys(changes).length}`;
  return `${JSON.stringify(intent, null, 2)}\n`;
}

export async function repositoryRegistry(): Promise<SiteRegistry> {
  const file = join(ROOT, "intents", "sites.yaml");
  return parseSiteRegistry(await readFile(file, "utf8"), file);
}

/** The objects rendered for site `openstack1` from the (changed) intent. */
export async function webAppStackObjects(changes: TierChanges = {}): Promise<KrmObject[]> {
  const registry = await repositoryRegistry();
  const compiled = await compileIntent(await webAppStackIntent(changes), registry);
  const site = registry.sites.find((s) => s.id === "openstack1")!;
  return generatePackage(compiled, site).objects as KrmObject[];
}
