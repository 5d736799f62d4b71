/**
 * The per-installation tokens: the dashboard's (changes allowed) and a
 * read-only one for scrapers when the server listens beyond loopback.
 *
 * @module
 */
import { dataPaths } from "./data_dir.ts";

/** Which token. */
export type TokenKind = "dashboard" | "read";

/** Reads a token, creating it (mode 0600) the first time. */
export async function ensureToken(dataDir: string, kind: TokenKind = "dashboard"): Promise<string> {
  const paths = dataPaths(dataDir);
  const path = kind === "dashboard" ? paths.token : paths.readToken;
  try {
    const existing = (await Deno.readTextFile(path)).trim();
    if (/^[0-9a-f]{64}$/.test(existing)) {
      await Deno.chmod(path, 0o600);
      return existing;
    }
  } catch {
    // Not there yet.
  }
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const token = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  await Deno.writeTextFile(path, `${token}\n`, { mode: 0o600 });
  await Deno.chmod(path, 0o600);
  return token;
}
