// A real ClamAV for the sample tests: a signature database made here (an
// .hdb: md5:size:name for each file), and clamscan writing its log.
import { createHash } from "node:crypto";
import { has } from "../_helpers.ts";

/** Why clamscan cannot run here ("" when it can). */
export const NO_CLAMSCAN: string = has("clamscan")
  ? ""
  : "clamscan is not installed (apt-get install clamav)";
if (NO_CLAMSCAN) console.warn(`skipped: the sample tests need ${NO_CLAMSCAN}`);

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
