/** A Neutron router as the driver reads it. */
export interface Router {
  id: string;
  name: string;
  status: string;
  admin_state_up: boolean;
  external_gateway_info: { network_id: string } | null;
  tags: string[];
}

/** The router's interfaces, as its ports on our subnets show them. */
export interface RouterInterface {
  portId: string;
  subnetId: string;
}
