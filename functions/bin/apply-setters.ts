#!/usr/bin/env node
// Exec entry point of the apply-setters function (see functions/stdlib): kpt fn eval --exec "node dist/functions/bin/apply-setters.js"
import { applySetters } from "../stdlib/index.js";
import { runBin } from "./runBin.js";

await runBin(applySetters, "apply-setters");
