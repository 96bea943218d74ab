export const imagesURL = "/v2/images";
export function imageFileURL(id: string): string {
  return `/v2/images/${encodeURIComponent(id)}/file`;
}
