/**
 * Works around isomorphic-git 1.44's fetch failing with `NotFoundError: Could not find HEAD` — after it
 * has received the objects but before it stores them — when the remote's HEAD is unborn (a remote that so
 * far only has the evidence branch). It wraps the HTTP client and, in an upload-pack ref advertisement
 * that lists no `HEAD`, adds a `HEAD` line pointing at the first advertised ref. Only isomorphic-git's
 * "default branch" guess sees it; what is fetched (one named branch) does not change.
 */
import type { GitHttpRequest, GitHttpResponse, HttpClient } from "isomorphic-git";
import { pktFrames, pktLine } from "./pktLine.js";

export function withAdvertisedHead(http: HttpClient): HttpClient {
  return {
    async request(request: GitHttpRequest): Promise<GitHttpResponse> {
      const response = await http.request(request);
      const isAdvert =
        (request.method ?? "GET") === "GET" && /\/info\/refs\?service=git-upload-pack$/.test(request.url);
      if (!isAdvert || response.statusCode !== 200 || !response.body) return response;
      const chunks: Uint8Array[] = [];
      for await (const chunk of response.body) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      return {
        ...response,
        body: (async function* () {
          yield addHead(body);
        })(),
      };
    },
  };
}

function addHead(body: Buffer): Buffer {
  const lines = pktFrames(body);
  if (lines === null) return body;
  const refs = lines
    .map((l) => l.subarray(4).toString("latin1").split("\0")[0]!.trim())
    .filter((l) => /^[0-9a-f]{40} \S+$/.test(l));
  const first = refs[0];
  if (!first || first.endsWith(" capabilities^{}") || refs.some((l) => l.endsWith(" HEAD"))) return body;
  const pkt = pktLine(`${first.slice(0, 40)} HEAD\n`);
  const lastFlush =
    body.lastIndexOf("0000", body.length - 4, "latin1") === body.length - 4 ? body.length - 4 : body.length;
  return Buffer.concat([body.subarray(0, lastFlush), pkt, body.subarray(lastFlush)]);
}
