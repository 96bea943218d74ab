/** A Neutron subnet as the driver reads it. */
export interface Subnet {
  id: string;
  name: string;
  network_id: string;
  cidr: string;
  gateway_ip: string | null;
  enable_dhcp: boolean;
  ip_version: number;
  tags: string[];
}
