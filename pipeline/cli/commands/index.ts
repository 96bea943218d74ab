import type { Command } from "commander";
import type { CliIo } from "../io.js";
import { register as compile } from "./compile.js";

/** Every verb registers itself here; keep the list sorted. */
export const commands: ReadonlyArray<(program: Command, io: CliIo) => void> = [compile];
