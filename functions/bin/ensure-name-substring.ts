#!/usr/bin/env node
// Exec entry point of the ensure-name-substring function (see functions/stdlib): kpt fn eval --exec "node dist/functions/bin/ensure-name-substring.js"
import { ensureNameSubstring } from "../stdlib/index.js";
import { runBin } from "./runBin.js";

await runBin(ensureNameSubstring, "ensure-name-substring");
