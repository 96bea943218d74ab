/**
 * `.krmignore` matching (the gitignore subset kpt documents): `#` comments, `*`, `**`, `?`, a leading
 * `/` anchors to the package, a trailing `/` matches directories only. Negation (`!`) is not supported
 * and such lines are ignored rather than guessed at.
 */

function toRegExp(pattern: string): { re: RegExp; dirOnly: boolean } {
  let p = pattern;
  const dirOnly = p.endsWith("/");
  if (dirOnly) p = p.slice(0, -1);
  const anchored = p.startsWith("/") || p.includes("/");
  p = p.replace(/^\//, "");
  let body = "";
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === "*" && p[i + 1] === "*") {
      body += ".*";
      i++;
      if (p[i + 1] === "/") i++;
    } else if (c === "*") body += "[^/]*";
    else if (c === "?") body += "[^/]";
    else body += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return { re: new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`), dirOnly };
}

/**
 * Compiles `.krmignore` text into a predicate over paths relative to the package (`a/b.yaml`).
 *
 * @example compileKrmignore("tmp/\n*.bak")("tmp/x.yaml") === true
 */
export function compileKrmignore(text: string): (relPath: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#") && !l.startsWith("!"))
    .map(toRegExp);
  if (rules.length === 0) return () => false;
  return (relPath) => {
    const parts = relPath.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join("/");
      const isDir = i < parts.length;
      for (const rule of rules) {
        if (rule.dirOnly && !isDir) continue;
        if (rule.re.test(prefix)) return true;
      }
    }
    return false;
  };
}
