// Signature database files for the tests: a real header and a body that
// is not a real database (real ones need a download).

/** A `.cvd`/`.cld` with the header ClamAV writes. */
export function databaseFile(
  version: number,
  { signatures = 2_069_035, level = 90, builder = "tester" } = {},
): Uint8Array<ArrayBuffer> {
  const header =
    `ClamAV-VDB:24 Nov 2026 04-24 +0000:${version}:${signatures}:${level}:0123456789abcdef0123456789abcdef:NotARealSignature:${builder}:1795492800`;
  const bytes = new Uint8Array(512 + 64).fill(0x20);
  bytes.set(new TextEncoder().encode(header));
  bytes.fill(0x30, 512);
  return bytes;
}
