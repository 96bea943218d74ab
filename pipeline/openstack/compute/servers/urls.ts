export const serversURL = "/servers";
export const serversDetailURL = "/servers/detail";
export function serverURL(id: string): string {
  return `/servers/${encodeURIComponent(id)}`;
}
export function serverActionURL(id: string): string {
  return `${serverURL(id)}/action`;
}
