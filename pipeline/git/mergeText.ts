/**
 * Line-level three-way merge (diff3): regions where only one side departs from the base take that side;
 * regions where both sides made the same change take it once; anything else is a conflict. No conflict
 * markers are ever written — a conflicting revert is refused, not committed half-merged.
 */

export type TextMerge = { clean: true; text: string } | { clean: false };

/** Above this many base×side line pairs the LCS table is too costly; such files merge only trivially. */
const MAX_CELLS = 4_000_000;

/** Merges `ours` and `theirs`, both derived from `base`. Lines keep their terminators. */
export function mergeText(base: string, ours: string, theirs: string): TextMerge {
  if (ours === theirs) return { clean: true, text: ours };
  if (base === ours) return { clean: true, text: theirs };
  if (base === theirs) return { clean: true, text: ours };
  const b = splitLines(base);
  const o = splitLines(ours);
  const t = splitLines(theirs);
  const mo = matches(b, o);
  const mt = matches(b, t);
  if (!mo || !mt) return { clean: false };
  const out: string[] = [];
  let i = 0;
  let j = 0;
  let k = 0;
  for (;;) {
    // The next base line kept by both sides is a stable anchor; between anchors is one unstable region.
    let x = i;
    while (x < b.length && !(mo.has(x) && mt.has(x))) x++;
    const jo = x < b.length ? mo.get(x)! : o.length;
    const kt = x < b.length ? mt.get(x)! : t.length;
    const region = resolve(b.slice(i, x), o.slice(j, jo), t.slice(k, kt));
    if (region === null) return { clean: false };
    out.push(...region);
    if (x >= b.length) break;
    out.push(b[x]!);
    i = x + 1;
    j = jo + 1;
    k = kt + 1;
  }
  return { clean: true, text: out.join("") };
}

function resolve(base: string[], ours: string[], theirs: string[]): string[] | null {
  if (same(ours, base)) return theirs;
  if (same(theirs, base)) return ours;
  if (same(ours, theirs)) return ours;
  return null;
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

/** Splits after each `\n`, so joining the parts gives the text back byte for byte. */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines[lines.length - 1] === "" ? lines.slice(0, -1) : lines;
}

/** Base line index → side line index for one longest common subsequence, or `null` when too large. */
function matches(a: string[], b: string[]): Map<number, number> | null {
  const out = new Map<number, number>();
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    out.set(start, start);
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
    out.set(endA, endB);
  }
  const n = endA - start;
  const m = endB - start;
  if (n === 0 || m === 0) return out;
  if (n * m > MAX_CELLS) return null;
  // Suffix-LCS lengths, then a forward walk picking matches.
  const width = m + 1;
  const table = new Uint32Array((n + 1) * width);
  for (let x = n - 1; x >= 0; x--) {
    for (let y = m - 1; y >= 0; y--) {
      table[x * width + y] =
        a[start + x] === b[start + y]
          ? table[(x + 1) * width + y + 1]! + 1
          : Math.max(table[(x + 1) * width + y]!, table[x * width + y + 1]!);
    }
  }
  let x = 0;
  let y = 0;
  while (x < n && y < m) {
    if (a[start + x] === b[start + y]) {
      out.set(start + x, start + y);
      x++;
      y++;
    } else if (table[(x + 1) * width + y]! >= table[x * width + y + 1]!) x++;
    else y++;
  }
  return out;
}
