export interface Image {
  id: string;
  name: string;
  status: string;
}
