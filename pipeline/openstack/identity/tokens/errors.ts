export { OpenStackAuthError } from "../../client/openStackErrors.js";
