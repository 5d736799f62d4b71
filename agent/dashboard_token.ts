/**
 * The per-installation tokens: the dashboard's (changes allowed) and a
 * read-only one for scrapers when the server listens beyond loopback; and
 * the read-only token an administrator provisions for a whole fleet.
 *
 * @module
 */
import { describeRefusal, readRegularFile, readSmallText } from "../ffi/read_regular_file.ts";
import type { Policy } from "../policy/policy.ts";
import { keepPrivate, writePrivateFile } from "../files/private_file.ts";
import { dataPaths } from "../store/data_paths.ts";

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

/**
 * The read-only token an administrator provisions (`dashboard.readTokenFile`,
 * the same on every machine of a fleet), read like the token file and
 * again only when the file changes.
 */
export class ProvisionedReadToken {
  #path: string | null = null;
  #stamp: string | undefined;
  #token: string | null = null;
  /** Why the file named cannot be used, or null. */
  problem: string | null = null;

  /** The token under `policy`, or null when none is set or it cannot be used. */
  async current(policy: Policy): Promise<string | null> {
    const path = policy.get("dashboard.readTokenFile");
    if (path !== this.#path) [this.#path, this.#stamp, this.#token] = [path, undefined, null];
    if (path === null) {
      this.problem = null;
      return null;
    }
    try {
      const read = await readRegularFile(path, 4096, this.#stamp ? { known: this.#stamp } : {});
      if (read.kind === "unchanged") return this.#token;
      if (read.kind !== "ok") throw new Error(`it ${describeRefusal(read)}`);
      this.#stamp = read.stamp;
      const token = new TextDecoder().decode(read.bytes).trim();
      if (!/^[\x21-\x7e]{32,}$/.test(token)) {
        throw new Error("it does not hold one token of at least 32 printable characters");
      }
      [this.#token, this.problem] = [token, null];
    } catch (error) {
      this.#token = null;
      this.problem = `dashboard.readTokenFile "${path}" cannot be used: ${
        (error as Error).message
      }`;
    }
    return this.#token;
  }
}
