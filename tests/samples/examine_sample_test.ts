import { deepEqual, equal, match, ok } from "node:assert/strict";
import { createHash } from "node:crypto";
import { clamavVerdict } from "../../intelligence/clamav_verdict.ts";
import {
  type Examination,
  type ExamineRules,
  examineSample,
} from "../../samples/examine_sample.ts";
import { writeHashDatabase } from "../../testing/clamav.ts";
import { requires } from "../../testing/requires.ts";
import { tempDir } from "../_helpers.ts";

/** Rules whose ClamAV confirms whatever it is asked: for the rules about opening files. */
const TRUSTING: ExamineRules = {
  level: "all",
  maxBytes: 1024 * 1024,
  facts: { userNames: ["jdoe"], homes: ["/home/jdoe"] },
  verdict: (_bytes, signature) => Promise.resolve({ kind: "confirmed", signature, by: "clamscan" }),
};
const detected = (path: string, seen: { md5: string; size: number } | null = null) => ({
  path,
  signature: "Test.Sig-1",
  seen,
});

function unconfirmed(exam: Examination): string {
  if (exam.confirmed) throw new Error(`confirmed: ${exam.reason}`);
  return exam.reason;
}

Deno.test("a file is never read through a link in any part of its path, as a FIFO, or from a relative or dotted path", async () => {
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
      [`${dir.path}/link.sh`, /symbolic link lies along the path/],
      [`${dir.path}/linked-folder/x.sh`, /symbolic link lies along the path/],
      [`${dir.path}/folder/../real.sh`, /"\." or "\.\." component/],
      [`${dir.path}//real.sh`, /empty, "\." or "\.\." component/],
      [`${dir.path}/pipe`, /a FIFO \(named pipe\), not a regular file/],
      ["real.sh", /relative path/],
      [`${dir.path}/gone`, /gone before vitrine could read it/],
      ["/proc/self/environ", /symbolic link lies along the path/],
    ] as const
  ) {
    const exam = await examineSample(detected(path), TRUSTING);
    match(unconfirmed(exam), why, path);
    deepEqual(Object.keys(exam).sort(), ["cause", "confirmed", "reason"], path);
  }
  const fine = await examineSample(detected(real), TRUSTING);
  ok(fine.confirmed);
  equal(fine.outcome, "submit");
  equal(fine.sha256, createHash("sha256").update("#!/bin/sh\necho hi\n").digest("hex"));
});

Deno.test("a file larger than samples.maxSizeMB, or other than ClamAV logged, is not confirmed and leaves nothing of itself", async () => {
  await using dir = await tempDir();
  const large = `${dir.path}/large.bin`;
  await Deno.writeFile(large, new Uint8Array(1024 * 1024 + 17).fill(0x41));
  const exam = await examineSample(detected(large), TRUSTING);
  match(unconfirmed(exam), /larger than samples.maxSizeMB \(1 MiB\)/);

  const small = `${dir.path}/small.sh`;
  await Deno.writeTextFile(small, "#!/bin/sh\n");
  const md5 = createHash("md5").update("#!/bin/sh\n").digest("hex");
  const same = await examineSample(detected(small, { md5, size: 10 }), TRUSTING);
  ok(same.confirmed && same.outcome === "submit");
  const swapped = await examineSample(detected(small, { md5: "0".repeat(32), size: 10 }), TRUSTING);
  match(unconfirmed(swapped), /not what ClamAV logged/);
});

Deno.test("under systemd, a flagged file the service's sandbox hides says so and names the drop-in", async () => {
  const path = "/home/vitrine-nobody-here/invoice.pdf";
  match(
    unconfirmed(await examineSample(detected(path), TRUSTING)),
    /gone before vitrine could read it/,
  );
  Deno.env.set("INVOCATION_ID", "0123456789abcdef0123456789abcdef");
  try {
    match(
      unconfirmed(await examineSample(detected(path), TRUSTING)),
      /not visible to the agent.*sample-reading\.conf/,
    );
    match(
      unconfirmed(await examineSample(detected("/srv/gone.bin"), TRUSTING)),
      /gone before vitrine could read it/,
      "outside the hidden folders, gone is gone",
    );
  } finally {
    Deno.env.delete("INVOCATION_ID");
  }
});

Deno.test({
  ...requires("clamscan"),
  name: "only bytes in which clamscan itself finds the logged signature are confirmed",
  fn: async () => {
    await using dir = await tempDir();
    const evil = `${dir.path}/evil.sh`;
    await Deno.writeTextFile(evil, "#!/bin/sh\nrm -rf --no-preserve-root /\n");
    const innocent = `${dir.path}/notes.txt`;
    await Deno.writeTextFile(innocent, "nothing to see\n");
    const database = await writeHashDatabase(`${dir.path}/db`, [evil]);
    const rules: ExamineRules = {
      ...TRUSTING,
      verdict: (bytes, signature) =>
        clamavVerdict(bytes, signature, {
          clamdSocket: null,
          databaseDirectory: database,
          timeoutMs: 60_000,
        }),
    };
    const signature = "Vitrine.Test.Sample-0.UNOFFICIAL";
    const confirmed = await examineSample({ path: evil, signature, seen: null }, rules);
    ok(confirmed.confirmed, confirmed.reason);
    equal(confirmed.signature, signature);
    match(confirmed.reason, /ClamAV \(clamscan\) confirmed/);
    match(
      unconfirmed(await examineSample({ path: innocent, signature, seen: null }, rules)),
      /finds no signature/,
    );
    match(
      unconfirmed(await examineSample({ path: evil, signature: "Other.Sig-1", seen: null }, rules)),
      /another signature/,
    );
    const nowhere: ExamineRules = {
      ...rules,
      verdict: (bytes, signature) =>
        clamavVerdict(bytes, signature, {
          clamdSocket: `${dir.path}/no-clamd.sock`,
          databaseDirectory: `${dir.path}/no-databases`,
          timeoutMs: 60_000,
        }),
    };
    match(
      unconfirmed(await examineSample({ path: evil, signature, seen: null }, nowhere)),
      /ClamAV could not be asked \(clamscan could not scan/,
    );
  },
});
