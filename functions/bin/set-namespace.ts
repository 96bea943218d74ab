#!/usr/bin/env node
// Exec entry point of the set-namespace function (see functions/stdlib): kpt fn eval --exec "node dist/functions/bin/set-namespace.js"
import { setNamespace } from "../stdlib/index.js";
import { runBin } from "./runBin.js";

await runBin(setNamespace, "set-namespace");
