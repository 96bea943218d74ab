#!/usr/bin/env node
// Exec entry point of the apply-replacements function (see functions/stdlib): kpt fn eval --exec "node dist/functions/bin/apply-replacements.js"
import { applyReplacements } from "../stdlib/index.js";
import { runBin } from "./runBin.js";

await runBin(applyReplacements, "apply-replacements");
