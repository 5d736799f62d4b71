/**
 * The secrets sending uses, read from the files the policy names as the
 * token file is: a regular file, bounded, never logged.
 *
 * @module
 */
import { describeRefusal, readRegularFile } from "../ffi/read_regular_file.ts";
import { certificateVersion, reissueAdvice } from "./certificate_version.ts";
import type { Policy } from "../policy/policy.ts";

/** The largest token file read. */
const MAX_TOKEN_BYTES = 16 * 1024;

/**
 * The one printable word the secret file at `path` holds (`what` names the
 * file in messages); throws why it cannot be used.
 */
async function readSecretWord(path: string, what: string): Promise<string> {
  const read = await readRegularFile(path, MAX_TOKEN_BYTES);
  if (read.kind !== "ok") {
    throw new Error(
      `the ${what} "${path}" cannot be used: it ${
        read.kind === "unchanged" ? "is unchanged" : describeRefusal(read)
      }`,
    );
  }
  const word = new TextDecoder().decode(read.bytes).trim();
  if (!/^[\x21-\x7e]+$/.test(word)) {
    throw new Error(`the ${what} "${path}" does not hold one printable token`);
  }
  return word;
}

/** The bearer token of `cloudService.tokenFile`, or null when none is set; throws why it cannot be used. */
export async function readToken(policy: Policy): Promise<string | null> {
  const path = policy.get("cloudService.tokenFile");
  return path === null ? null : await readSecretWord(path, "token file");
}

/**
 * The shared access signature of `samples.sasTokenFile` (the query of a
 * container SAS, without "?"), or null when none is set; throws why it
 * cannot be used. Like the token, it is never logged.
 */
export async function readSampleSas(policy: Policy): Promise<string | null> {
  const path = policy.get("samples.sasTokenFile");
  if (path === null) return null;
  const sas = (await readSecretWord(path, "SAS file")).replace(/^\?/, "");
  if (!new URLSearchParams(sas).has("sig")) {
    throw new Error(
      `the SAS file "${path}" does not hold one shared access signature (a query with sig=…)`,
    );
  }
  return sas;
}

/** What TLS to a private backend needs, from the files the policy names. */
export interface TlsFiles {
  /** PEM certificates trusted in addition to the system's. */
  caCerts?: string[];
  /** The client's PEM certificate (chain) and private key, for mutual TLS. */
  cert?: string;
  key?: string;
}

/** The largest certificate bundle read. */
const MAX_PEM_BYTES = 1024 * 1024;

/** PEM files as last read, by path: each request only checks that they did not change. */
const pems = new Map<string, { stamp: string; text: string; permissions: number }>();
/** Paths kept at most (a policy names three). */
const MAX_PEMS = 8;

async function readPem(
  setting: string,
  path: string,
  label: RegExp,
  what: string,
): Promise<{ text: string; permissions: number }> {
  const known = pems.get(path);
  const read = await readRegularFile(path, MAX_PEM_BYTES, known ? { known: known.stamp } : {});
  if (read.kind === "unchanged" && known) return known;
  if (read.kind !== "ok") {
    pems.delete(path);
    throw new Error(
      `${setting} "${path}" cannot be used: it ${
        read.kind === "unchanged" ? "is unchanged" : describeRefusal(read)
      }`,
    );
  }
  const text = new TextDecoder().decode(read.bytes);
  if (!label.test(text)) throw new Error(`${setting} "${path}" holds no PEM ${what}`);
  const pem = { stamp: read.stamp, text, permissions: read.permissions };
  if (pems.size >= MAX_PEMS) pems.clear();
  pems.set(path, pem);
  return pem;
}

/**
 * The CA bundle and client certificate the policy names, or null when it
 * names none; throws why they cannot be used (nothing is then sent). The
 * key is refused while group or others may read it. Called for each
 * request: a file is read again only when it changed (a renewal, a chmod).
 */
export async function readTlsFiles(policy: Policy): Promise<TlsFiles | null> {
  const caFile = policy.get("cloudService.caFile");
  const certFile = policy.get("cloudService.clientCertificateFile");
  const keyFile = policy.get("cloudService.clientKeyFile");
  if (caFile === null && certFile === null && keyFile === null) return null;
  if ((certFile === null) !== (keyFile === null)) {
    throw new Error(
      "mutual TLS needs both cloudService.clientCertificateFile and cloudService.clientKeyFile; only one is set",
    );
  }
  const files: TlsFiles = {};
  if (caFile !== null) {
    const ca = await readPem(
      "cloudService.caFile",
      caFile,
      /-----BEGIN CERTIFICATE-----/,
      "certificate",
    );
    files.caCerts = [ca.text];
  }
  if (certFile !== null && keyFile !== null) {
    files.cert = (await readPem(
      "cloudService.clientCertificateFile",
      certFile,
      /-----BEGIN CERTIFICATE-----/,
      "certificate",
    )).text;
    if (certificateVersion(files.cert) === 1) {
      throw new Error(reissueAdvice("cloudService.clientCertificateFile", certFile, "clientAuth"));
    }
    const key = await readPem(
      "cloudService.clientKeyFile",
      keyFile,
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
      "private key",
    );
    if ((key.permissions & 0o077) !== 0) {
      throw new Error(
        `cloudService.clientKeyFile "${keyFile}" may be read by others (mode ${
          (key.permissions & 0o777).toString(8).padStart(4, "0")
        }): make it readable by its owner only (chmod 600)`,
      );
    }
    files.key = key.text;
  }
  return files;
}
