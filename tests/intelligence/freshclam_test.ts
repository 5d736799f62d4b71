import { deepEqual, equal, match, ok } from "node:assert/strict";
import { readFreshclamLog, usesProxy } from "../../intelligence/freshclam.ts";
import { tempDir } from "../_helpers.ts";
import { requires } from "../../testing/requires.ts";

Deno.test("a proxy counts only when HTTPProxyServer is set and not commented out", () => {
  equal(usesProxy("DatabaseMirror db.local.clamav.net\n#HTTPProxyServer p.example\n"), false);
  equal(usesProxy("HTTPProxyServer proxy.example.org\nHTTPProxyPort 3128\n"), true);
  equal(usesProxy("  HTTPProxyServer   10.0.0.1\n"), true);
  equal(usesProxy(""), false);
});

const RUN = (body: string) =>
  `Tue Nov 24 06:26:00 2026 -> --------------------------------------
Tue Nov 24 06:26:00 2026 -> ClamAV update process started at Tue Nov 24 06:26:00 2026
${body}`;

Deno.test("one failure per failed run, with the summary, its cause, a code and the version aimed for", () => {
  const log = RUN(
    `Tue Nov 24 06:26:00 2026 -> daily database available for update (local version: 27814, remote version: 27815)
Tue Nov 24 06:26:01 2026 -> ERROR: Download failed (28) Tue Nov 24 06:26:01 2026 -> ERROR:  Message: Couldn't connect to server
Tue Nov 24 06:26:01 2026 -> ERROR: Database update process failed: HTTP GET failed
Tue Nov 24 06:26:01 2026 -> ERROR: Update failed.
`,
  ) +
    RUN(
      `Tue Nov 24 07:26:00 2026 -> daily.cld database is up-to-date (version: 27815, sigs: 2069035, f-level: 90, builder: raynman)
`,
    );
  const bytes = new TextEncoder().encode(log);
  const { failures, used } = readFreshclamLog(bytes);
  equal(used, bytes.length);
  deepEqual(failures, [{
    error: 52,
    reason:
      "Database update process failed: HTTP GET failed (Download failed (28) Message: Couldn't connect to server)",
    toVersion: "27815",
  }]);
});

Deno.test("a run still under way is left to be read again", () => {
  const done = RUN("Tue Nov 24 06:26:01 2026 -> ERROR: Update failed.\n");
  const going = RUN("Tue Nov 24 06:27:00 2026 -> Trying to retrieve CVD header\n");
  const { failures, used } = readFreshclamLog(new TextEncoder().encode(done + going));
  equal(failures.length, 1);
  equal(used, new TextEncoder().encode(done).length);
});

Deno.test("offsets are bytes even where the log holds bytes that are not UTF-8", () => {
  const garbage = new Uint8Array([0xff, 0xfe, 0x80, 0xc3, 0x28, 0x0a, 0xe2, 0x82]);
  const done = new TextEncoder().encode(RUN("Tue Nov 24 06:26:01 2026 -> ERROR: Update failed.\n"));
  const going = new TextEncoder().encode(RUN("Tue Nov 24 06:27:00 2026 -> Trying\n"));
  const bytes = new Uint8Array([...garbage, 0x0a, ...done, ...going]);
  const { failures, used } = readFreshclamLog(bytes);
  equal(failures.length, 1);
  equal(used, garbage.length + 1 + done.length, "the run under way starts where its bytes start");
});

Deno.test({
  name: "the log of a real freshclam that cannot reach its mirror gives one failure",
  ...requires("root", "freshclam"),
}, async () => {
  await using dir = await tempDir();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await Deno.mkdir(`${dir.path}/db`);
  await Deno.writeTextFile(
    `${dir.path}/freshclam.conf`,
    [
      "DatabaseOwner root",
      `UpdateLogFile ${dir.path}/freshclam.log`,
      "LogTime true",
      `DatabaseDirectory ${dir.path}/db`,
      "DNSDatabaseInfo no",
      `PrivateMirror http://127.0.0.1:${port}`,
      "MaxAttempts 1",
      "ConnectTimeout 2",
      "ReceiveTimeout 2",
      "ScriptedUpdates no",
      "Bytecode false",
    ].join("\n"),
  );
  await new Deno.Command("freshclam", {
    args: [`--config-file=${dir.path}/freshclam.conf`, "--foreground"],
    stdout: "null",
    stderr: "null",
  }).output();
  const text = await Deno.readTextFile(`${dir.path}/freshclam.log`);
  const { failures } = readFreshclamLog(new TextEncoder().encode(text));
  equal(failures.length, 1, text);
  match(failures[0]!.reason, /update process failed|Update failed/i);
  ok(failures[0]!.error === 52 || failures[0]!.error === 58, `error ${failures[0]!.error}`);
  equal(usesProxy(await Deno.readTextFile(`${dir.path}/freshclam.conf`)), false);
});
