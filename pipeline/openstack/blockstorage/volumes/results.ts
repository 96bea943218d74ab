/** A Cinder volume as the driver reads it. */
export interface Volume {
  id: string;
  name: string;
  status: string;
  size: number;
  metadata: Record<string, string>;
  attachments: Array<{ server_id: string; attachment_id: string; device?: string }>;
}
