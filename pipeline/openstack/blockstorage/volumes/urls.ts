export const volumesURL = "/volumes";
export const volumesDetailURL = "/volumes/detail";
export function volumeURL(id: string): string {
  return `/volumes/${encodeURIComponent(id)}`;
}
