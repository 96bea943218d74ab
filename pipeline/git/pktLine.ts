/**
 * Git's pkt-line framing (gitprotocol-common): each line is its length in four hex digits (the four
 * included) and its payload; `0000` is a flush. Shared by the ref-advertisement workaround
 * (advertiseHead.ts) and the receive-pack request and report (sendPack.ts).
 */

/** One pkt-line carrying `text`. */
export function pktLine(text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, "0"), "latin1"), payload]);
}

/** The flush packet. */
export const FLUSH = Buffer.from("0000", "latin1");

/**
 * The frames of a pkt-line stream, each with its length prefix (a flush or other special packet is its four
 * bytes alone); `null` when a length is not hex — the body is not a pkt-line stream.
 */
export function pktFrames(body: Buffer): Buffer[] | null {
  const frames: Buffer[] = [];
  let offset = 0;
  while (offset + 4 <= body.length) {
    const length = Number.parseInt(body.subarray(offset, offset + 4).toString("latin1"), 16);
    if (Number.isNaN(length)) return null;
    const end = offset + Math.max(length, 4);
    frames.push(body.subarray(offset, end));
    offset = end;
  }
  return frames;
}
