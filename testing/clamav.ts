/**
 * A real ClamAV for the sample tests: a signature database made here (an
 * .hdb: md5:size:name for each file), clamscan writing its log as clamd's
 * LogFile or `clamscan --log` would, and a clamd of the test's own on a
 * socket in a temporary directory.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** Writes `dir`/vitrine-test.hdb with one signature per file, named `name`-N. */
export async function writeHashDatabase(
  dir: string,
  files: readonly string[],
  name = "Vitrine.Test.Sample",
): Promise<string> {
  const lines = [];
  for (const [i, file] of files.entries()) {
    const bytes = await Deno.readFile(file);
    lines.push(`${createHash("md5").update(bytes).digest("hex")}:${bytes.length}:${name}-${i}`);
  }
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/vitrine-test.hdb`;
  await Deno.writeTextFile(path, `${lines.join("\n")}\n`);
  return path;
}

/** Runs clamscan on `files` with database `database`, appending to `log`; resolves with what it printed. */
export async function clamscan(
  database: string,
  log: string,
  files: readonly string[],
): Promise<string> {
  const output = await new Deno.Command("clamscan", {
    args: ["--no-summary", `--database=${database}`, `--log=${log}`, ...files],
    stdout: "piped",
    stderr: "piped",
  }).output();
  // 1: something was found; 0: nothing; 2: an error.
  if (output.code === 2) {
    throw new Error(`clamscan failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  return new TextDecoder().decode(output.stdout);
}

/** A clamd of the test's own. */
export interface TestClamd {
  socket: string;
  pid: number;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts clamd in the foreground with the databases of `databaseDir` and
 * its socket in `dir`, and waits until it answers PING.
 */
export async function startClamd(dir: string, databaseDir: string): Promise<TestClamd> {
  const socket = `${dir}/clamd.sock`;
  const config = `${dir}/clamd.conf`;
  await Deno.writeTextFile(
    config,
    [
      `LocalSocket ${socket}`,
      `DatabaseDirectory ${databaseDir}`,
      "Foreground yes",
      `TemporaryDirectory ${dir}`,
      `PidFile ${dir}/clamd.pid`,
      "",
    ].join("\n"),
  );
  const child = new Deno.Command("clamd", {
    args: [`--config-file=${config}`],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* ended */ }
    await child.status;
    await child.stderr.cancel().catch(() => {});
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const connection = await Deno.connect({ transport: "unix", path: socket });
      try {
        await connection.write(new TextEncoder().encode("zPING\0"));
        const buffer = new Uint8Array(16);
        const n = await connection.read(buffer);
        if (n !== null && new TextDecoder().decode(buffer.subarray(0, n)).startsWith("PONG")) {
          return { socket, pid: child.pid, stop, [Symbol.asyncDispose]: stop };
        }
      } finally {
        connection.close();
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error("clamd did not answer PING within 30 s");
}
