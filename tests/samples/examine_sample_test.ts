import { equal, match, ok } from "node:assert/strict";
import { createHash } from "node:crypto";
import { examineSample } from "../../samples/examine_sample.ts";
import { tempDir } from "../_helpers.ts";

const RULES = {
  level: "all" as const,
  maxBytes: 1024 * 1024,
  facts: { userNames: ["jdoe"], homes: ["/home/jdoe"] },
};
const detected = (path: string, seen: { md5: string; size: number } | null = null) => ({
  path,
  signature: "Test.Sig-1",
  seen,
});

Deno.test("a file is never read through a link, as a FIFO, or from a relative path", async () => {
  await using dir = await tempDir();
  const real = `${dir.path}/real.sh`;
  await Deno.writeTextFile(real, "#!/bin/sh\necho hi\n");
  await Deno.symlink(real, `${dir.path}/link.sh`);
  await Deno.mkdir(`${dir.path}/folder`);
  await Deno.symlink(`${dir.path}/folder`, `${dir.path}/linked-folder`);
  await Deno.writeTextFile(`${dir.path}/folder/x.sh`, "#!/bin/sh\n");
  await new Deno.Command("mkfifo", { args: [`${dir.path}/pipe`] }).output();
  for (
    const [path, why] of [
      [`${dir.path}/link.sh`, /not the file's own/],
      [`${dir.path}/linked-folder/x.sh`, /not the file's own/],
      [`${dir.path}/pipe`, /not a regular file: it is a FIFO/],
      ["real.sh", /relative path/],
      [`${dir.path}/gone`, /gone before vitrine could read it/],
    ] as const
  ) {
    const exam = await examineSample(detected(path), RULES);
    equal(exam.outcome, "keep", path);
    equal(exam.sha256, null, path);
    equal(exam.bytes, null, path);
    match(exam.reason, why, path);
  }
  const fine = await examineSample(detected(real), RULES);
  equal(fine.outcome, "submit");
  equal(fine.sha256, createHash("sha256").update("#!/bin/sh\necho hi\n").digest("hex"));
});

Deno.test("a file larger than samples.maxSizeMB stays, hashed whole; one that differs from ClamAV's MD5 stays too", async () => {
  await using dir = await tempDir();
  const large = `${dir.path}/large.bin`;
  const content = new Uint8Array(3 * 1024 * 1024 + 17).fill(0x41);
  await Deno.writeFile(large, content);
  const exam = await examineSample(detected(large), RULES);
  equal(exam.outcome, "keep");
  equal(exam.size, content.length);
  equal(exam.sha256, createHash("sha256").update(content).digest("hex"), "hashed in chunks, whole");
  match(exam.reason, /larger than samples.maxSizeMB \(1 MiB\)/);

  const small = `${dir.path}/small.sh`;
  await Deno.writeTextFile(small, "#!/bin/sh\n");
  const md5 = createHash("md5").update("#!/bin/sh\n").digest("hex");
  equal((await examineSample(detected(small, { md5, size: 10 }), RULES)).outcome, "submit");
  const swapped = await examineSample(detected(small, { md5: "0".repeat(32), size: 10 }), RULES);
  equal(swapped.outcome, "keep");
  match(swapped.reason, /not what ClamAV flagged/);
  ok(swapped.sha256, "what was read is still identified");
});

Deno.test("under systemd, a flagged file the service's sandbox hides says so and names the drop-in", async () => {
  const path = "/home/vitrine-nobody-here/invoice.pdf";
  equal(
    (await examineSample(detected(path), RULES)).reason,
    "The file was gone before vitrine could read it (removed or moved by ClamAV?)",
  );
  Deno.env.set("INVOCATION_ID", "0123456789abcdef0123456789abcdef");
  try {
    match(
      (await examineSample(detected(path), RULES)).reason,
      /not visible to the agent.*sample-reading\.conf/,
    );
    match(
      (await examineSample(detected("/srv/gone.bin"), RULES)).reason,
      /gone before vitrine could read it/,
      "outside the hidden folders, gone is gone",
    );
  } finally {
    Deno.env.delete("INVOCATION_ID");
  }
});
