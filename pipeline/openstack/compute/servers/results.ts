/** A Nova server as the driver reads it (microversion 2.79: `tags` and `flavor.original_name` present). */
export interface Server {
  id: string;
  name: string;
  status: string;
  metadata: Record<string, string>;
  tags: string[];
  flavor: { original_name: string };
  addresses: Record<string, Array<{ addr: string; version: number }>>;
  fault?: { message: string; code: number };
  "OS-EXT-STS:task_state"?: string | null;
}

/** The fixed IPv4 addresses of a server, sorted. */
export function fixedAddresses(server: Server): string[] {
  return Object.values(server.addresses ?? {})
    .flat()
    .filter((a) => a.version === 4)
    .map((a) => a.addr)
    .sort();
}
