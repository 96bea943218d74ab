/**
 * syncBackedFs: the promise file system isomorphic-git takes, done with Node's synchronous calls — for a
 * worker thread whose event loop answers nobody (serve's pipeline thread). Each repository file operation
 * is then one system call on that thread, instead of a trip through libuv's thread pool and a wake-up
 * back: less CPU per operation (isomorphic-git makes hundreds per commit), and the pool — shared with the
 * API thread, whose intake-log write every accepted request waits for — is left to that write. The
 * promise shape stays, so callers and isomorphic-git see no difference; errors keep their `code`. Files are
 * written as crashSafeFs writes them (a temporary file renamed into place): a kill leaves no torn object or ref.
 */
import fs from "node:fs";
import type { PromiseFsClient } from "isomorphic-git";
import { tempPathFor } from "./crashSafeFs.js";

type Tail<T extends unknown[]> = T extends [unknown, ...infer R] ? R : never;

/**
 * `sync` is where the synchronous calls go (node:fs; tests pass one that dies midway).
 * @example const git = { fs: syncBackedFs(), http, clock, author }; // in a worker thread
 */
export function syncBackedFs(sync: typeof fs = fs): PromiseFsClient {
  // `async` turns a synchronous throw into a rejection, as the promise API gives.
  const promises = {
    readFile: async (...a: Parameters<typeof fs.readFileSync>) => sync.readFileSync(...a),
    // A temporary file renamed into place, as crashSafeFs does, but on this thread before the promise settles.
    writeFile: async (path: string, ...a: Tail<Parameters<typeof fs.writeFileSync>>) => {
      const temp = tempPathFor(path);
      try {
        sync.writeFileSync(temp, ...a);
        sync.renameSync(temp, path);
      } catch (error) {
        sync.rmSync(temp, { force: true });
        throw error;
      }
    },
    mkdir: async (...a: Parameters<typeof fs.mkdirSync>) => {
      sync.mkdirSync(...a);
    },
    rmdir: async (...a: Parameters<typeof fs.rmdirSync>) => sync.rmdirSync(...a),
    rm: async (...a: Parameters<typeof fs.rmSync>) => sync.rmSync(...a),
    unlink: async (...a: Parameters<typeof fs.unlinkSync>) => sync.unlinkSync(...a),
    stat: async (...a: Parameters<typeof fs.statSync>) => sync.statSync(...a),
    lstat: async (...a: Parameters<typeof fs.lstatSync>) => sync.lstatSync(...a),
    readdir: async (...a: Parameters<typeof fs.readdirSync>) => sync.readdirSync(...a),
    readlink: async (...a: Parameters<typeof fs.readlinkSync>) => sync.readlinkSync(...a),
    symlink: async (...a: Parameters<typeof fs.symlinkSync>) => sync.symlinkSync(...a),
    chmod: async (...a: Parameters<typeof fs.chmodSync>) => sync.chmodSync(...a),
  };
  return { promises };
}
