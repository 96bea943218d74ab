/**
 * DNS intents delivered to a real DNS server on a Kubernetes site: the `analytics-dns` intent rendered
 * to a `DNSEndpoint`, applied to a Go-built control plane, turned into records in Debian's PowerDNS by
 * the real ExternalDNS, and answered by `dig`. A changed intent changes the answer, a rollback (`git revert`
 * of the change's delivery commit, and the package at the revert commit applied) restores it, deleting the intent
 * makes the name NXDOMAIN — and a record made by hand in the same zone is never touched (ExternalDNS's TXT
 * ownership records mark only what it created).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { waitFor } from "../api/serveHarness.js";
import { type DnsSite, NAME, startDnsSite, ZONE } from "./dnsSite.js";

let s: DnsSite;
beforeAll(async () => {
  s = await startDnsSite();
}, 600_000);
afterAll(async () => {
  await s?.stop();
});

const answerIs = (want: string[]) =>
  waitFor(
    `${NAME} to answer ${want.join(", ")}`,
    async () => {
      const got = await s.dig(NAME);
      return got.status === "NOERROR" && JSON.stringify(got.answers) === JSON.stringify([...want].sort())
        ? got
        : undefined;
    },
    120_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\nexternal-dns:\n${s.externalDns.logs().slice(-3000)}`);
  });

it("answers the intent's A record, follows a change and a rollback, and is NXDOMAIN after delete", async () => {
  // A record made by hand in the zone: not ExternalDNS's, so never changed or deleted by it.
  const manual = await s.pdns.putA(`${ZONE}.`, `manual.${ZONE}.`, ["198.51.100.7"]);
  expect(manual).toBe(204);
  expect((await s.dig(NAME)).status).toBe("NXDOMAIN");

  await s.publish(["192.0.2.10", "192.0.2.11"]);
  await answerIs(["192.0.2.10", "192.0.2.11"]);
  // ExternalDNS's ownership mark (TXT registry; the record-type-prefixed name, and the plain name in
  // older formats).
  const owner = [...(await s.dig(`a-${NAME}`, "TXT")).answers, ...(await s.dig(NAME, "TXT")).answers];
  expect(owner.join(" ")).toContain("external-dns/owner=intentops-edge1");

  await s.publish(["192.0.2.20"]);
  await answerIs(["192.0.2.20"]);

  await s.rollback();
  await answerIs(["192.0.2.10", "192.0.2.11"]);

  await s.remove();
  await waitFor("NXDOMAIN after delete", async () =>
    (await s.dig(NAME)).status === "NXDOMAIN" ? true : undefined,
  );
  expect(await s.dig(`manual.${ZONE}`)).toEqual({ status: "NOERROR", answers: ["198.51.100.7"] });
});
