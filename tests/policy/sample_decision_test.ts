import { deepEqual, equal, match } from "node:assert/strict";
import { decideSample, recogniseContent } from "../../policy/sample_decision.ts";
import { runCli, tempDir } from "../_helpers.ts";

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (value: string) => new TextEncoder().encode(value);

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
  deepEqual([decideSample("none", elf).submit, decideSample("none", pdf).submit], [false, false]);
  deepEqual([decideSample("all", elf).submit, decideSample("all", pdf).submit], [true, true]);
  deepEqual([decideSample("safe", elf).submit, decideSample("safe", pdf).submit], [true, false]);
  equal(decideSample("safe", text("#!/usr/bin/python3\n")).submit, true);
  equal(decideSample("safe", text("plain notes")).submit, false);
  match(decideSample("safe", pdf).reason, /PDF document: a document may hold personal data/);
});

Deno.test("vitrine sample check prints the decision and the reason", async () => {
  await using dir = await tempDir();
  await Deno.writeFile(`${dir.path}/report.exe`, text("%PDF-1.5 pretending to be a program"));
  const pdf = await runCli(["sample", "check", `${dir.path}/report.exe`, "--level", "safe"]);
  equal(pdf.code, 0, pdf.stderr);
  match(pdf.stdout, /^keep: PDF document/);
  const binary = await runCli(["sample", "check", "/bin/true", "--level", "safe", "--json"]);
  equal(JSON.parse(binary.stdout).submit, true);
  const bad = await runCli(["sample", "check", "/bin/true", "--level", "most"]);
  equal(bad.code, 2);
  match(bad.stderr, /--level "most"/);
});
