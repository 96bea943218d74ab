/**
 * syncBackedFs: the promise file system isomorphic-git takes, done with Node's synchronous calls — for a
 * worker thread whose event loop answers nobody (serve's pipeline thread). Each repository file operation
 * is then one system call on that thread, instead of a trip through libuv's thread pool and a wake-up
 * back: less CPU per operation (isomorphic-git makes hundreds per commit), and the pool — shared with the
 * API thread, whose intake-log write every accepted request waits for — is left to that write. The
 * promise shape stays, so callers and isomorphic-git see no difference; errors keep their `code`.
 */
import fs from "node:fs";
import type { PromiseFsClient } from "isomorphic-git";

/** @example const git = { fs: syncBackedFs(), http, clock, author }; // in a worker thread */
export function syncBackedFs(): PromiseFsClient {
  // `async` turns a synchronous throw into a rejection, as the promise API gives.
  const promises = {
    readFile: async (...a: Parameters<typeof fs.readFileSync>) => fs.readFileSync(...a),
    writeFile: async (...a: Parameters<typeof fs.writeFileSync>) => fs.writeFileSync(...a),
    mkdir: async (...a: Parameters<typeof fs.mkdirSync>) => {
      fs.mkdirSync(...a);
    },
    rmdir: async (...a: Parameters<typeof fs.rmdirSync>) => fs.rmdirSync(...a),
    rm: async (...a: Parameters<typeof fs.rmSync>) => fs.rmSync(...a),
    unlink: async (...a: Parameters<typeof fs.unlinkSync>) => fs.unlinkSync(...a),
    stat: async (...a: Parameters<typeof fs.statSync>) => fs.statSync(...a),
    lstat: async (...a: Parameters<typeof fs.lstatSync>) => fs.lstatSync(...a),
    readdir: async (...a: Parameters<typeof fs.readdirSync>) => fs.readdirSync(...a),
    readlink: async (...a: Parameters<typeof fs.readlinkSync>) => fs.readlinkSync(...a),
    symlink: async (...a: Parameters<typeof fs.symlinkSync>) => fs.symlinkSync(...a),
    chmod: async (...a: Parameters<typeof fs.chmodSync>) => fs.chmodSync(...a),
  };
  return { promises };
}
