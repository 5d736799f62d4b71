/**
 * The X.509 version of the first certificate of a PEM text. A certificate
 * made the common way, `openssl x509 -req` without an extension file, is
 * version 1, and the TLS library Deno uses refuses version 1 certificates
 * on either side of the connection (saying "invalid peer certificate:
 * UnsupportedCertVersion" even for the client's own): vitrine tells which
 * file it is and how to reissue it before anything is sent.
 *
 * @module
 */

/** The length of a DER element whose length octets start at `at`, and where its content starts. */
function derLength(der: Uint8Array, at: number): { length: number; content: number } | null {
  const first = der[at];
  if (first === undefined) return null;
  if (first < 0x80) return { length: first, content: at + 1 };
  const octets = first & 0x7f;
  if (octets === 0 || octets > 4) return null;
  let length = 0;
  for (let i = 1; i <= octets; i++) {
    const byte = der[at + i];
    if (byte === undefined) return null;
    length = length * 256 + byte;
  }
  return { length, content: at + 1 + octets };
}

/**
 * The version (1, 2 or 3) of the first certificate in `pem`, or null when
 * it holds none that can be read.
 */
export function certificateVersion(pem: string): number | null {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)?.[1];
  if (body === undefined) return null;
  let der: Uint8Array;
  try {
    der = Uint8Array.from(atob(body.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
  // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] EXPLICIT version OPTIONAL, … } … }
  if (der[0] !== 0x30) return null;
  const outer = derLength(der, 1);
  if (!outer || der[outer.content] !== 0x30) return null;
  const tbs = derLength(der, outer.content + 1);
  if (!tbs) return null;
  // Without the [0] element the version is the default, v1.
  if (der[tbs.content] !== 0xa0) return 1;
  const explicit = derLength(der, tbs.content + 1);
  if (!explicit || der[explicit.content] !== 0x02) return null;
  const integer = derLength(der, explicit.content + 1);
  if (!integer || integer.length !== 1) return null;
  const value = der[integer.content];
  return value === undefined ? null : value + 1;
}

/** What to do about a version 1 certificate in `setting`'s file `path`. */
export function reissueAdvice(
  setting: string,
  path: string,
  usage: "serverAuth" | "clientAuth",
): string {
  return `${setting} "${path}" is an X.509 version 1 certificate (what openssl x509 -req makes without an extension file), which vitrine's TLS library refuses: reissue it as version 3, for example openssl x509 -req -in REQUEST.csr -CA ca.pem -CAkey ca.key -out CERT.pem -days 365 -extfile EXT, where EXT holds "basicConstraints=CA:FALSE", "keyUsage=digitalSignature" and "extendedKeyUsage=${usage}"`;
}
