import type { NeutronCollection } from "../collection.js";

export const PORTS: NeutronCollection = { path: "ports", singular: "port", plural: "ports" };
