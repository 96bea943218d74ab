// The control plane helper is product code (the demo starts it too); tests import it from here as well.
export * from "../../pipeline/sandbox/controlPlane.js";
