import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  databaseProblems,
  parseHeader,
  readDatabaseDirectory,
  sigVersionOf,
} from "../../intelligence/clamav_databases.ts";
import { tempDir } from "../_helpers.ts";
import { databaseFile } from "./_clamav_files.ts";
import { requires } from "../../testing/requires.ts";

Deno.test("a header gives the version, signatures, level and builder", () => {
  const header = parseHeader("daily", "daily.cvd", databaseFile(27815));
  deepEqual(header, {
    name: "daily",
    file: "daily.cvd",
    builtAt: "24 Nov 2026 04-24 +0000",
    version: 27815,
    signatures: 2_069_035,
    level: 90,
    builder: "tester",
  });
});

Deno.test("truncated, foreign and damaged headers are told apart, never given a version", () => {
  const truncated = parseHeader("daily", "d", databaseFile(1).subarray(0, 100));
  match((truncated as { problem: string }).problem, /truncated: 100 bytes/);
  const foreign = parseHeader("daily", "d", new Uint8Array(600).fill(0x41));
  match((foreign as { problem: string }).problem, /does not start with ClamAV-VDB/);
  const damaged = databaseFile(27815);
  damaged.set(new TextEncoder().encode("ClamAV-VDB:x:27a15:"), 0);
  match((parseHeader("daily", "d", damaged) as { problem: string }).problem, /damaged header/);
  const zero = parseHeader("daily", "d", databaseFile(0));
  ok("problem" in zero, "version 0 is no version");
});

Deno.test("the daily version is sig_version; cld beats an older cvd; a missing directory is no problem unless named", async () => {
  await using dir = await tempDir();
  await Deno.writeFile(`${dir.path}/daily.cvd`, databaseFile(27810));
  await Deno.writeFile(`${dir.path}/daily.cld`, databaseFile(27815));
  await Deno.writeFile(`${dir.path}/main.cvd`, databaseFile(62));
  await Deno.writeFile(`${dir.path}/bytecode.cvd`, databaseFile(335).subarray(0, 40));
  const found = await readDatabaseDirectory(dir.path);
  equal(sigVersionOf(found), "27815");
  deepEqual(found.databases.map((d) => [d.name, d.version]), [["daily", 27815], ["main", 62]]);
  deepEqual(found.unreadable.map((u) => u.file), [`${dir.path}/bytecode.cvd`]);
  match(databaseProblems(found, false)[0]!, /bytecode\.cvd" is unreadable: truncated/);

  const missing = await readDatabaseDirectory(`${dir.path}/nowhere`);
  equal(sigVersionOf(missing), null);
  deepEqual(databaseProblems(missing, false), []);
  match(databaseProblems(missing, true)[0]!, /does not exist; sig_version is null/);
});

Deno.test({
  name: "ClamAV's own sigtool reads the same header as vitrine",
  ...requires("sigtool"),
}, async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/daily.cvd`;
  await Deno.writeFile(path, databaseFile(27815, { signatures: 123, level: 77, builder: "ana" }));
  // sigtool cannot verify the fake body (exit 1) but prints the header first.
  const output = await new Deno.Command("sigtool", { args: ["--info", path] }).output();
  const text = new TextDecoder().decode(output.stdout);
  const header = parseHeader("daily", path, await Deno.readFile(path));
  ok(!("problem" in header));
  match(text, new RegExp(`Version: ${header.version}\\n`));
  match(text, new RegExp(`Signatures: ${header.signatures}\\n`));
  match(text, new RegExp(`Functionality level: ${header.level}\\n`));
  match(text, new RegExp(`Builder: ${header.builder}\\n`));
});
