import { deepEqual, equal, match, ok } from "node:assert/strict";
import { decideSample, recogniseContent } from "../../samples/sample_decision.ts";
import { runCli, tempDir } from "../_helpers.ts";

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (value: string) => new TextEncoder().encode(value);
const FACTS = { userNames: ["jdoe"], homes: ["/root", "/home/jdoe"] };

Deno.test("content is recognised from magic bytes, not names", () => {
  const cases: [Uint8Array, string][] = [
    [bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1), "executable"],
    [text("#!/bin/sh\necho hi\n"), "script"],
    [text("%PDF-1.7\n"), "document"],
    [bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1), "document"],
    [bytes(0x50, 0x4b, 0x03, 0x04), "archive"],
    [bytes(0x1f, 0x8b, 8), "archive"],
    [text("SQLite format 3\0"), "database"],
    [bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a), "image"],
    [bytes(0xff, 0xd8, 0xff, 0xe0), "image"],
    [text("From: someone\nReturn-Path: <a@b>\n"), "text"],
    [text("Return-Path: <a@example.org>\nSubject: hi\n"), "mail"],
    [text("just some words\n"), "text"],
    [bytes(0, 1, 2, 3, 250), "unknown"],
    [new Uint8Array(), "empty"],
  ];
  for (const [head, kind] of cases) {
    equal(recogniseContent(head).kind, kind, new TextDecoder().decode(head));
  }
});

Deno.test("none admits nothing, all admits everything, safe admits only program code", () => {
  const elf = bytes(0x7f, 0x45, 0x4c, 0x46);
  const pdf = text("%PDF-1.4");
  deepEqual([decideSample("none", elf, FACTS).submit, decideSample("none", pdf, FACTS).submit], [
    false,
    false,
  ]);
  deepEqual([decideSample("all", elf, FACTS).submit, decideSample("all", pdf, FACTS).submit], [
    true,
    true,
  ]);
  deepEqual([decideSample("safe", elf, FACTS).submit, decideSample("safe", pdf, FACTS).submit], [
    true,
    false,
  ]);
  equal(decideSample("safe", text("#!/usr/bin/python3\n"), FACTS).submit, true);
  equal(decideSample("safe", text("plain notes"), FACTS).submit, false);
  match(decideSample("safe", pdf, FACTS).reason, /PDF document: a document may hold personal data/);
});

Deno.test("vitrine sample check prints the decision and the reason", async () => {
  await using dir = await tempDir();
  await Deno.writeFile(`${dir.path}/report.exe`, text("%PDF-1.5 pretending to be a program"));
  const pdf = await runCli(["sample", "check", `${dir.path}/report.exe`, "--level", "safe"]);
  equal(pdf.code, 0, pdf.stderr);
  match(pdf.stdout, /^hold: PDF document/);
  const binary = await runCli(["sample", "check", "/bin/true", "--level", "safe", "--json"]);
  equal(JSON.parse(binary.stdout).submit, true);
  const bad = await runCli(["sample", "check", "/bin/true", "--level", "most"]);
  equal(bad.code, 2);
  match(bad.stderr, /--level "most"/);
});

Deno.test("at safe, program code holding personal data is held for consent, and the reason says what was found", () => {
  const script = (body: string) => text(`#!/bin/sh\n${body}\n`);
  const held: [string, RegExp][] = [
    ["mail -s report jane.doe@example.org < /tmp/x", /e-mail address \(1\)/],
    ["cp secrets /home/jdoe/.ssh/", /home path of this machine/],
    ['echo "owner: jdoe"', /user name of this machine/],
    ["CARD=4111 1111 1111 1111", /card-like number/],
    ["call +44 20 7946 0958 now", /phone-like number/],
    ["SSN=123-45-6789", /national-id-like number/],
    ["IBAN=GB82 WEST 1234 5698 7654 32", /bank account number/],
    ["cat <<EOF\n-----BEGIN OPENSSH PRIVATE KEY-----\nabc\nEOF", /private key/],
  ];
  for (const [body, why] of held) {
    const decision = decideSample("safe", script(body), FACTS);
    equal(decision.submit, false, body);
    match(decision.reason, why, body);
    ok(!decision.reason.includes("jane.doe"), "the data itself is never quoted");
  }
  const clean = decideSample("safe", script("echo hello; ls /tmp; date +%F; ping 10.0.0.1"), FACTS);
  equal(clean.submit, true, clean.reason);
  deepEqual(clean.findings, []);
  const bugAddress = decideSample(
    "safe",
    script("echo report bugs to bug-coreutils@gnu.org"),
    FACTS,
  );
  equal(bugAddress.submit, true, "a project's role address is not a person's");
  const large = decideSample("safe", script("echo hi"), FACTS, true);
  equal(large.submit, false);
  match(large.reason, /cannot be checked whole/);
});

Deno.test("vitrine sample check looks at the content: a script with an e-mail address is held at safe", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/notify.sh`,
    "#!/bin/sh\necho done | mail ops.lead@example.com\n",
  );
  const result = await runCli(["sample", "check", `${dir.path}/notify.sh`, "--level", "safe"]);
  equal(result.code, 0, result.stderr);
  match(result.stdout, /^hold: script with interpreter line holding e-mail address \(1\)/);
});
