import { deepEqual, equal } from "node:assert/strict";
import { readDetections } from "../../intelligence/clamav_detections.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("detection lines of clamd, clamonacc and clamscan are read; summaries, clean files and streams are not", () => {
  const log = [
    "Wed Dec  2 03:00:20 2026 -> /srv/in/a.exe: Win.Test.EICAR_HDB-1 FOUND",
    "Wed Dec  2 03:00:21 2026 -> /srv/in/b.pdf: Doc.Trojan.X-2(0123456789abcdef0123456789abcdef:4096) FOUND",
    "ScanOnAccess: /home/jdoe/c: d.sh: Unix.Malware.Y-3 FOUND",
    "/tmp/relative: OK",
    "scans/e.bin: Vitrine.Test.Sample-0.UNOFFICIAL FOUND",
    "Wed Dec  2 03:00:22 2026 -> stream(127.0.0.1@41234): Eicar-Signature FOUND",
    "----------- SCAN SUMMARY -----------",
    "Infected files: 3",
    "",
  ].join("\n");
  const reading = readDetections(bytes(log));
  deepEqual(reading.items, [
    { path: "/srv/in/a.exe", signature: "Win.Test.EICAR_HDB-1", seen: null },
    {
      path: "/srv/in/b.pdf",
      signature: "Doc.Trojan.X-2",
      seen: { md5: "0123456789abcdef0123456789abcdef", size: 4096 },
    },
    { path: "/home/jdoe/c: d.sh", signature: "Unix.Malware.Y-3", seen: null },
    { path: "scans/e.bin", signature: "Vitrine.Test.Sample-0.UNOFFICIAL", seen: null },
  ]);
  equal(reading.used, bytes(log).length);
});

Deno.test("at most max detections are read, and the bytes after the last one's line are left", () => {
  const lines = ["/a: S-1 FOUND", "/b: S-2 FOUND", "/c: S-3 FOUND", ""].join("\n");
  const first = readDetections(bytes(lines), 2);
  deepEqual(first.items.map((d) => d.path), ["/a", "/b"]);
  equal(first.used, "/a: S-1 FOUND\n/b: S-2 FOUND\n".length);
  const rest = readDetections(bytes(lines).subarray(first.used), 2);
  deepEqual(rest.items.map((d) => d.path), ["/c"]);
});

Deno.test("a line whose path holds control characters, or whose signature is no signature name, is counted as malformed and kept nowhere", () => {
  const log = [
    "/srv/a\tb.exe: Win.Test.EICAR_HDB-1 FOUND",
    "/srv/esc\x1b[2J.exe: Win.Test.EICAR_HDB-1 FOUND",
    "/tmp/anything: alice.smith@corp-example.com FOUND",
    "/tmp/anything: /home/alice/private/tax.pdf FOUND",
    "/tmp/anything: Sig(with)parens FOUND",
    "/srv/fine.exe: Win.Test.EICAR_HDB-1 FOUND\r",
    "",
  ].join("\n");
  const reading = readDetections(bytes(log));
  deepEqual(reading.items, [
    { path: "/srv/fine.exe", signature: "Win.Test.EICAR_HDB-1", seen: null },
  ]);
  equal(reading.malformed, 5);
});
