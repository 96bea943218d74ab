/**
 * Keystone v3 authentication requests: password (scoped to a project) or application credential (the
 * credential carries its own scope). The body is built here and nowhere else.
 */

export interface PasswordAuth {
  method: "password";
  userName: string;
  userDomain?: string;
  password: string;
  projectName: string;
  projectDomain?: string;
}

export interface ApplicationCredentialAuth {
  method: "application_credential";
  id: string;
  secret: string;
}

export type AuthMethod = PasswordAuth | ApplicationCredentialAuth;

/** The JSON body of `POST /v3/auth/tokens`. */
export function authBody(auth: AuthMethod): unknown {
  if (auth.method === "application_credential") {
    return {
      auth: {
        identity: {
          methods: ["application_credential"],
          application_credential: { id: auth.id, secret: auth.secret },
        },
      },
    };
  }
  return {
    auth: {
      identity: {
        methods: ["password"],
        password: {
          user: {
            name: auth.userName,
            domain: { name: auth.userDomain ?? "Default" },
            password: auth.password,
          },
        },
      },
      scope: {
        project: { name: auth.projectName, domain: { name: auth.projectDomain ?? "Default" } },
      },
    },
  };
}

/** A key naming who authenticates (not the secret): tokens are cached under it. */
export function authIdentity(authUrl: string, auth: AuthMethod): string {
  return auth.method === "application_credential"
    ? `${authUrl}|appcred|${auth.id}`
    : `${authUrl}|password|${auth.userDomain ?? "Default"}/${auth.userName}|${auth.projectDomain ?? "Default"}/${auth.projectName}`;
}
