/** Keystone v3 token URLs, relative to the auth URL (`…/v3`). */
export function tokensURL(authUrl: string): string {
  return `${authUrl.replace(/\/+$/, "")}/auth/tokens`;
}
