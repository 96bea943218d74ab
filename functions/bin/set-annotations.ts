#!/usr/bin/env node
// Exec entry point of the set-annotations function (see functions/stdlib): kpt fn eval --exec "node dist/functions/bin/set-annotations.js"
import { setAnnotations } from "../stdlib/index.js";
import { runBin } from "./runBin.js";

await runBin(setAnnotations, "set-annotations");
