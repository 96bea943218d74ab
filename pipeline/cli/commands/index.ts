import type { Command } from "commander";
import type { CliIo } from "../io.js";
import { register as agent } from "./agent.js";
import { register as apply } from "./apply.js";
import { register as compile } from "./compile.js";
import { register as controller } from "./controller.js";
import { register as deleteIntent } from "./delete.js";
import { register as deliver } from "./deliver.js";
import { register as demo } from "./demo.js";
import { register as diff } from "./diff.js";
import { register as evidence } from "./evidence.js";
import { register as openstack } from "./openstack.js";
import { register as probe } from "./probe.js";
import { register as render } from "./render.js";
import { register as report } from "./report.js";
import { register as requests } from "./requests.js";
import { register as review } from "./review.js";
import { register as rollback } from "./rollback.js";
import { register as run } from "./run.js";
import { register as serve } from "./serve.js";
import { register as simulate } from "./simulate.js";
import { register as verify } from "./verify.js";

/** Every verb registers itself here; keep the list sorted. */
export const commands: ReadonlyArray<(program: Command, io: CliIo) => void> = [
  agent,
  apply,
  compile,
  controller,
  deleteIntent,
  deliver,
  demo,
  diff,
  evidence,
  openstack,
  probe,
  render,
  report,
  requests,
  review,
  rollback,
  run,
  serve,
  simulate,
  verify,
];
