#!/usr/bin/env node
// Exec entry point of the kubeconform function (see functions/stdlib): kpt fn eval --exec "node dist/functions/bin/kubeconform.js"
import { validateSchemas } from "../stdlib/index.js";
import { runBin } from "./runBin.js";

await runBin(validateSchemas, "kubeconform");
