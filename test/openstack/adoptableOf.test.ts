/**
 * What a resumed saga may adopt: the creates its interrupted predecessors began, with the id their journal
 * holds (or none, when the process died before the create request returned). Steps that made nothing
 * adoptable (deletes, rules, interfaces) are left out.
 */
import { describe, expect, it } from "vitest";
import { adoptableOf } from "../../pipeline/openstack/saga/adoptableOf.js";
import type { SagaStep } from "../../pipeline/openstack/saga/sagaStore.js";

function step(partial: Partial<SagaStep> & Pick<SagaStep, "op" | "kind" | "name">): SagaStep {
  return {
    id: `${partial.op} ${partial.kind}/${partial.name}`,
    detail: {},
    status: "started",
    attempts: 1,
    ...partial,
  };
}

describe("adoptableOf", () => {
  it("maps each begun create to its journalled id, or to undefined when none was journalled", () => {
    const inherited = [
      step({
        op: "create",
        kind: "Network",
        name: "shop-net",
        compensation: { do: "delete", kind: "Network", id: "n-1", ref: "Network/shop-net" },
      }),
      step({
        op: "create",
        kind: "Subnet",
        name: "shop-web",
        compensation: { do: "delete", kind: "Subnet", ref: "Subnet/shop-web" },
      }),
      step({
        op: "create",
        kind: "SecurityGroupRule",
        name: "k",
        compensation: { do: "deleteRule", id: "r-1", group: "g", key: "k" },
      }),
      step({ op: "delete", kind: "Server", name: "shop-web-3", compensation: { do: "none", why: "x" } }),
    ];
    expect([...adoptableOf(inherited)]).toEqual([
      ["Network/shop-net", "n-1"],
      ["Subnet/shop-web", undefined],
    ]);
  });

  it("keeps a known id when a later attempt of the same resource journalled none", () => {
    const made = step({
      op: "create",
      kind: "Network",
      name: "shop-net",
      status: "done",
      compensation: { do: "delete", kind: "Network", id: "n-1", ref: "Network/shop-net" },
    });
    const begun = step({
      op: "create",
      kind: "Network",
      name: "shop-net",
      compensation: { do: "delete", kind: "Network", ref: "Network/shop-net" },
    });
    expect(adoptableOf([made, begun]).get("Network/shop-net")).toBe("n-1");
    expect(adoptableOf([begun, made]).get("Network/shop-net")).toBe("n-1");
  });
});
