/** A Neutron network as the driver reads it. */
export interface Network {
  id: string;
  name: string;
  status: string;
  tags: string[];
  description: string;
  "router:external"?: boolean;
  subnets: string[];
}
