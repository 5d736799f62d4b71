/**
 * The machine's key for the log of what left: an Ed25519 key pair made at
 * the first start (with `crypto.subtle`), the private key kept 0600 in the
 * data directory (kept across upgrades, gone with a purge, read never
 * through a link). Its public key is in the configuration record and each
 * heartbeat; it signs the tree heads of the log.
 *
 * @module
 */
import { describeRefusal, readRegularFile } from "../ffi/read_regular_file.ts";
import { writePrivateFile } from "../files/private_file.ts";
import { dataPaths } from "../store/data_paths.ts";
import { fromHex, toHex } from "../store/merkle_tree.ts";

/** The key pair of this machine's log. */
export class LogKey {
  readonly #private: CryptoKey;
  /** The raw 32-byte public key, in hex. */
  readonly publicKeyHex: string;

  private constructor(privateKey: CryptoKey, publicKeyHex: string) {
    this.#private = privateKey;
    this.publicKeyHex = publicKeyHex;
  }

  /** The key of `dataDir`, made and kept there the first time. */
  static async load(dataDir: string): Promise<LogKey> {
    const path = dataPaths(dataDir).logKey;
    const read = await readRegularFile(path, 4096, { noFollow: true });
    if (read.kind === "ok") {
      const privateKey = await crypto.subtle.importKey("pkcs8", read.bytes, "Ed25519", true, [
        "sign",
      ]);
      return new LogKey(privateKey, await publicOf(privateKey));
    }
    if (read.kind === "unchanged") throw new Error(`The log's key "${path}" was not read`);
    if (read.kind !== "absent") {
      throw new Error(`The log's key "${path}" cannot be used: it ${describeRefusal(read)}`);
    }
    const pair = await crypto.subtle.generateKey("Ed25519", true, [
      "sign",
      "verify",
    ]) as CryptoKeyPair;
    await writePrivateFile(
      path,
      new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey)),
    );
    const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
    return new LogKey(pair.privateKey, toHex(raw));
  }

  /** An Ed25519 signature of `data`. */
  async sign(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
    return new Uint8Array(await crypto.subtle.sign("Ed25519", this.#private, data));
  }
}

/** The public key of a private one (through its JWK, which carries both halves' public part). */
async function publicOf(privateKey: CryptoKey): Promise<string> {
  const jwk = await crypto.subtle.exportKey("jwk", privateKey);
  const x = jwk.x!.replaceAll("-", "+").replaceAll("_", "/");
  return toHex(
    Uint8Array.from(atob(x.padEnd(Math.ceil(x.length / 4) * 4, "=")), (c) => c.charCodeAt(0)),
  );
}

/** Whether `signature` over `data` was made by the key whose public half is `publicKeyHex`. */
export async function verifySignature(
  publicKeyHex: string,
  data: Uint8Array<ArrayBuffer>,
  signature: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey("raw", fromHex(publicKeyHex), "Ed25519", false, [
      "verify",
    ]);
    return await crypto.subtle.verify("Ed25519", key, signature, data);
  } catch {
    return false;
  }
}
