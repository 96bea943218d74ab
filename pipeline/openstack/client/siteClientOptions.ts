/**
 * `siteClientOptions`: the client options of an `openstack` site of the registry, the password read from
 * the reference the registry holds (`{ env: NAME }` or `{ file: PATH }`) — never from the registry itself.
 */
import { readFileSync } from "node:fs";
import { IntentopsError } from "../../../compiler/errors.js";
import type { SecretRef, Site } from "../../../compiler/types.js";
import type { OpenStackClientOptions } from "./createOpenStackClient.js";

/** Reads a secret reference; the error names the reference, never a value. */
export function readSecret(
  ref: SecretRef,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if ("env" in ref) {
    const value = env[ref.env];
    if (!value) throw new IntentopsError("E_SECRET_MISSING", `environment variable ${ref.env} is not set`);
    return value;
  }
  try {
    return readFileSync(ref.file, "utf8").trim();
  } catch (error) {
    throw new IntentopsError("E_SECRET_MISSING", `cannot read secret file ${ref.file}`, { cause: error });
  }
}

export function siteClientOptions(
  site: Site,
  env: Readonly<Record<string, string | undefined>> = process.env,
): OpenStackClientOptions {
  const os = site.openstack;
  if (site.kind !== "openstack" || !os) {
    throw new IntentopsError("E_SITE_CONFIG", `site ${site.id} is not an openstack site`, {
      subject: site.id,
    });
  }
  return {
    authUrl: os.authUrl,
    region: os.region,
    auth: {
      method: "password",
      userName: os.userName,
      password: readSecret(os.password, env),
      projectName: os.projectName,
      ...(os.userDomain ? { userDomain: os.userDomain } : {}),
      ...(os.projectDomain ? { projectDomain: os.projectDomain } : {}),
    },
  };
}
