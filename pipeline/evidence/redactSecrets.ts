/**
 * Redaction pass for anything built from config or the environment before it reaches evidence, logs or
 * error text: values under secret-looking keys, every occurrence of a known secret value, and user-info
 * in URLs are replaced by `[REDACTED]`.
 */

export const REDACTED = "[REDACTED]";

const SECRET_KEY =
  /pass(word|wd)?|secret|token|api[-_]?key|credential|authori[sz]ation|private[-_]?key|cookie/i;
const SECRET_ENV = /TOKEN|SECRET|PASSW(OR)?D|API_?KEY|CREDENTIAL|PRIVATE|AUTH/i;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;

/**
 * Values of environment variables whose names look secret (`GIT_TOKEN`, `DB_PASSWORD`, …). Values
 * shorter than 4 characters are skipped: redacting `1` everywhere would destroy the record.
 */
export function secretsFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_ENV.test(name) && value !== undefined && value.length >= 4)
    .map(([, value]) => value!);
}

/** Returns a redacted deep copy of `value`. */
export function redactSecrets<T>(value: T, secrets: readonly string[] = []): T {
  // Longest first, so a secret containing another is removed whole.
  const known = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return walk(value, known) as T;
}

function walk(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === "string") return redactString(value, secrets);
  if (Array.isArray(value)) return value.map((v) => walk(v, secrets));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      out[key] =
        SECRET_KEY.test(key) && member !== null && typeof member !== "boolean"
          ? REDACTED
          : walk(member, secrets);
    }
    return out;
  }
  return value;
}

function redactString(text: string, secrets: readonly string[]): string {
  let out = text.replace(URL_USERINFO, `$1${REDACTED}@`);
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}
