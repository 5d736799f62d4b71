/**
 * The per-installation tokens: the dashboard's (changes allowed) and a
 * read-only one for scrapers when the server listens beyond loopback.
 *
 * @module
 */
import { readSmallText } from "../ffi/read_regular_file.ts";
import { keepPrivate, writePrivateFile } from "../files/private_file.ts";
import { dataPaths } from "./data_dir.ts";

/** Which token. */
export type TokenKind = "dashboard" | "read";

/** Reads a token, creating it (mode 0600) the first time. */
export async function ensureToken(dataDir: string, kind: TokenKind = "dashboard"): Promise<string> {
  const paths = dataPaths(dataDir);
  const path = kind === "dashboard" ? paths.token : paths.readToken;
  const existing = await readSmallText(path, 4096, { noFollow: true });
  if (existing.kind === "ok" && /^[0-9a-f]{64}$/.test(existing.text.trim())) {
    await keepPrivate([path]);
    return existing.text.trim();
  }
  // Not there yet, or not a token (a FIFO or a link in its place is replaced).
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const token = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  await writePrivateFile(path, `${token}\n`);
  return token;
}
