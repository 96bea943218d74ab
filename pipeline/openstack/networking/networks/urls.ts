import type { NeutronCollection } from "../collection.js";

export const NETWORKS: NeutronCollection = { path: "networks", singular: "network", plural: "networks" };
