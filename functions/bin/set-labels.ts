#!/usr/bin/env node
// Exec entry point of the set-labels function (see functions/stdlib): kpt fn eval --exec "node dist/functions/bin/set-labels.js"
import { setLabels } from "../stdlib/index.js";
import { runBin } from "./runBin.js";

await runBin(setLabels, "set-labels");
