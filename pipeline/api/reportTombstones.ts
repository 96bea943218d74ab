/**
 * Deleted IntentReports: a report is a run's account, and the run stays in the journal, so `DELETE
 * /intent/{id}/intentReport/{rid}` hides it from the API instead; the hidden ids are kept in
 * `<state>/deleted-reports.json` so they stay hidden after a restart.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { writeFilesAtomically } from "../fs/writeFilesAtomically.js";

export interface ReportTombstones {
  has(reportId: string): boolean;
  add(reportId: string): Promise<void>;
}

export async function openReportTombstones(file: string): Promise<ReportTombstones> {
  const ids = new Set<string>(JSON.parse(await readFile(file, "utf8").catch(() => "[]")) as string[]);
  let saving: Promise<void> = Promise.resolve();
  return {
    has: (id) => ids.has(id),
    add(id) {
      ids.add(id);
      const body = `${JSON.stringify([...ids].sort(), null, 2)}\n`;
      saving = saving.then(() => writeFilesAtomically(dirname(file), new Map([[basename(file), body]])));
      return saving;
    },
  };
}
