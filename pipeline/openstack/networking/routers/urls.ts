import type { NeutronCollection } from "../collection.js";
import { resourceURL } from "../collection.js";

export const ROUTERS: NeutronCollection = { path: "routers", singular: "router", plural: "routers" };

export function addInterfaceURL(id: string): string {
  return `${resourceURL(ROUTERS, id)}/add_router_interface`;
}

export function removeInterfaceURL(id: string): string {
  return `${resourceURL(ROUTERS, id)}/remove_router_interface`;
}
