export function attachmentsURL(serverId: string): string {
  return `/servers/${encodeURIComponent(serverId)}/os-volume_attachments`;
}
export function attachmentURL(serverId: string, volumeId: string): string {
  return `${attachmentsURL(serverId)}/${encodeURIComponent(volumeId)}`;
}
