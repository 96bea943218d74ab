export interface VolumeAttachment {
  id: string;
  volumeId: string;
  serverId: string;
  device: string | null;
}
