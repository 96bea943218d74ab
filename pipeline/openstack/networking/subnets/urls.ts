import type { NeutronCollection } from "../collection.js";

export const SUBNETS: NeutronCollection = { path: "subnets", singular: "subnet", plural: "subnets" };
