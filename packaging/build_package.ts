/**
 * `deno task package`: builds dist/vitrine_<version>_amd64.deb with
 * dpkg-deb. The package carries its runtime: the `deno compile` binary
 * where a denort runtime is at hand (DENORT_BIN), otherwise the Deno binary
 * from the npm registry's `@deno/linux-x64-glibc` with the program and its
 * dependencies, run offline by a small /usr/bin/vitrine launcher.
 *
 * @module
 */
import denoConfig from "../deno.json" with { type: "json" };
import { runtimeFlags, v8Flags } from "./task_flags.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const HERE = new URL("./", import.meta.url).pathname;

/** Folders of the repository that are not the program: tests, tools, sources of bundles. */
const NOT_PROGRAM = new Set([
  ...[".git", ".ci", ".scratch", "bench", "deploy", "dist", "islands", "node_modules"],
  ...["lint", "packaging", "soak", "test-artefacts", "testing", "tests"],
]);

/**
 * The program's folders and files that go into the package: every folder
 * of the repository but those above (so that a new one cannot be left
 * out), with main.ts, deno.json and deno.lock.
 */
function programItems(): string[] {
  const folders = [...Deno.readDirSync(ROOT)]
    .filter((entry) => entry.isDirectory && !NOT_PROGRAM.has(entry.name))
    .map((entry) => entry.name).sort();
  return ["main.ts", "deno.json", "deno.lock", ...folders];
}

/** Imports that only tests and the islands' bundling use. */
const DEV_ONLY = [
  "playwright-core",
  "uplot",
  "axe-core",
  "yaml",
  "@azure/storage-blob",
  "@opentelemetry/otlp-transformer",
  "@opentelemetry/resources",
  "@opentelemetry/sdk-logs",
];

/** Which runtime a build carries. */
export type PackageRuntime = "compiled" | "deno-from-npm";

/** A built package. */
export interface BuiltPackage {
  path: string;
  version: string;
  runtime: PackageRuntime;
  /** In words, for the README's question "which one did this build produce". */
  runtimeText: string;
  bytes: number;
}

function progress(message: string): void {
  console.error(`[package] ${message}`);
}

async function run(command: string, args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(command, {
    args,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(
      `${command} ${args.join(" ")} failed (exit ${output.code}): ${
        new TextDecoder().decode(output.stderr).trim().slice(-2000)
      }`,
    );
  }
  return new TextDecoder().decode(output.stdout);
}

async function copyTree(from: string, to: string): Promise<void> {
  const info = await Deno.stat(from);
  if (info.isFile) {
    await Deno.copyFile(from, to);
    return;
  }
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

async function treeBytes(path: string): Promise<number> {
  const info = await Deno.lstat(path);
  if (!info.isDirectory) return info.size;
  let total = 0;
  for await (const entry of Deno.readDir(path)) total += await treeBytes(`${path}/${entry.name}`);
  return total;
}

/** The `--allow-*` flags of a deno.json task, so that the package runs as the tasks do. */
function taskFlags(task: string, keep: (arg: string) => boolean): string[] {
  return task.split(" ").filter(keep);
}

/** The Deno binary of this runtime's version, from the npm registry. */
async function denoFromNpm(work: string): Promise<string> {
  const spec = `@deno/linux-x64-glibc@${Deno.version.deno}`;
  progress(`fetching ${spec} from the npm registry`);
  const packed = (await run("npm", ["pack", spec, "--silent", "--pack-destination", work]))
    .trim().split("\n").at(-1)!;
  await run("tar", ["-xzf", `${work}/${packed}`, "-C", work]);
  const binary = `${work}/package/deno`;
  await Deno.chmod(binary, 0o755);
  const version = await run(binary, ["--version"]);
  if (!version.includes(`deno ${Deno.version.deno}`)) {
    throw new Error(`${spec} holds an unexpected runtime: ${version.split("\n")[0]}`);
  }
  return binary;
}

function launcher(lines: string[]): string {
  return [
    "#!/bin/sh",
    "# vitrine: runs the packaged program with the packaged runtime, offline.",
    "# Shell built-ins only: it must run with an empty PATH. VITRINE_LIB is set",
    "# by the maintainer scripts when dpkg installs into another root.",
    'LIB="${VITRINE_LIB:-/usr/lib/vitrine}"',
    ...lines,
    "",
  ].join("\n");
}

/** The launcher for the Deno binary plus the program. */
function denoLauncher(): string {
  const permissions = taskFlags(denoConfig.tasks.vitrine, (a) => a.startsWith("--allow-"));
  // The lock pins what was cached; --frozen keeps anything from changing it.
  const common = `--cached-only --frozen --config "$LIB/app/deno.json"`;
  return launcher([
    'export DENO_DIR="$LIB/deno_dir" DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1',
    `if [ "$1" = run ]; then`,
    "  export MALLOC_ARENA_MAX=2",
    `  exec "$LIB/deno" run ${permissions.join(" ")} ${common} ${
      runtimeFlags(denoConfig.tasks.start).join(" ")
    } "$LIB/app/main.ts" "$@"`,
    "fi",
    `exec "$LIB/deno" run ${permissions.join(" ")} ${common} ${
      runtimeFlags(denoConfig.tasks.vitrine).join(" ")
    } "$LIB/app/main.ts" "$@"`,
  ]);
}

interface StagedRuntime {
  runtime: PackageRuntime;
  runtimeText: string;
}

/** Stages a standalone binary made by `deno compile` and its launcher. */
async function stageCompiled(stage: string, lib: string, denort: string): Promise<StagedRuntime> {
  progress("compiling a standalone binary with deno compile");
  const args = denoConfig.tasks.compile.split(" ").slice(1)
    .map((arg) => arg === "vitrine" ? `${lib}/vitrine` : arg === "main.ts" ? `${ROOT}main.ts` : arg)
    // What --include names (the static files, the integrity worker) is the repository's.
    .map((arg, i, all) => all[i - 1] === "--include" ? `${ROOT}${arg}` : arg);
  await run(Deno.execPath(), args, { DENORT_BIN: denort });
  await Deno.writeTextFile(
    `${stage}/usr/bin/vitrine`,
    launcher([
      `if [ "$1" = run ]; then`,
      `  export MALLOC_ARENA_MAX=2 DENO_V8_FLAGS="${v8Flags(denoConfig.tasks.start)}"`,
      "else",
      `  export DENO_V8_FLAGS="${v8Flags(denoConfig.tasks.vitrine)}"`,
      "fi",
      'exec "$LIB/vitrine" "$@"',
    ]),
    { mode: 0o755 },
  );
  return {
    runtime: "compiled",
    runtimeText: `a standalone binary made by deno compile ${Deno.version.deno}`,
  };
}

/** Stages the Deno binary from npm, the program's sources and their cached dependencies. */
async function stageDenoFromNpm(
  stage: string,
  lib: string,
  work: string,
  version: string,
): Promise<StagedRuntime> {
  await Deno.copyFile(await denoFromNpm(work), `${lib}/deno`);
  await Deno.chmod(`${lib}/deno`, 0o755);
  progress("copying the program");
  await Deno.mkdir(`${lib}/app`);
  for (const item of programItems()) await copyTree(`${ROOT}${item}`, `${lib}/app/${item}`);
  // The program's own configuration: its imports without the tools only
  // tests and bundling use (a browser driver, the chart library's sources).
  const { imports, compilerOptions } = denoConfig;
  const runtimeImports = Object.fromEntries(
    Object.entries(imports).filter(([name]) => !DEV_ONLY.includes(name)),
  );
  await Deno.writeTextFile(
    `${lib}/app/deno.json`,
    JSON.stringify({ version, imports: runtimeImports, compilerOptions }, null, 2),
  );
  // The copied lock pins every version; caching only drops what the
  // program does not use, and checks what it downloads against it.
  progress("caching its dependencies for offline use");
  const entries = [
    "main.ts",
    ...[...Deno.readDirSync(`${lib}/app/cli`)].map((e) => `cli/${e.name}`),
    "routes/app.ts",
    "uplink/uplink.ts",
    "routes/prometheus_metrics.ts",
    "uplink/blob_upload.ts",
    "support/upload_support_bundle.ts",
  ].map((entry) => `${lib}/app/${entry}`);
  await run(
    `${lib}/deno`,
    ["cache", "--config", `${lib}/app/deno.json`, ...entries],
    { DENO_DIR: `${lib}/deno_dir`, DENO_NO_UPDATE_CHECK: "1" },
  );
  await Deno.writeTextFile(`${stage}/usr/bin/vitrine`, denoLauncher(), { mode: 0o755 });
  return {
    runtime: "deno-from-npm",
    runtimeText:
      `the Deno ${Deno.version.deno} binary from the npm package @deno/linux-x64-glibc, with the program and its cached dependencies, behind a /usr/bin/vitrine launcher`,
  };
}

/** Stages the systemd unit, the documentation and the build note. */
async function stageServiceAndDocs(
  stage: string,
  version: string,
  runtimeText: string,
): Promise<void> {
  progress("adding the service, documentation and maintainer scripts");
  await Deno.mkdir(`${stage}/usr/lib/systemd/system`, { recursive: true });
  await Deno.copyFile(
    `${HERE}vitrine.service`,
    `${stage}/usr/lib/systemd/system/vitrine.service`,
  );
  const doc = `${stage}/usr/share/doc/vitrine`;
  await Deno.mkdir(doc, { recursive: true });
  await Deno.copyFile(`${ROOT}README.md`, `${doc}/README.md`);
  await Deno.copyFile(`${HERE}managed.json.example`, `${doc}/managed.json.example`);
  await Deno.copyFile(`${HERE}sample-reading.conf`, `${doc}/sample-reading.conf`);
  await Deno.writeTextFile(
    `${doc}/BUILD`,
    `vitrine ${version}, built ${new Date().toISOString()} with ${runtimeText}.\n`,
  );
}

/** Writes the maintainer scripts and the control file; returns the installed size in KiB. */
async function stageControl(stage: string, version: string): Promise<number> {
  const control = `${stage}/DEBIAN`;
  await Deno.mkdir(control);
  for (const script of ["postinst", "prerm", "postrm"]) {
    const text = (await Deno.readTextFile(`${HERE}debian/${script}`))
      .replaceAll("@VERSION@", version);
    await Deno.writeTextFile(`${control}/${script}`, text, { mode: 0o755 });
    await Deno.chmod(`${control}/${script}`, 0o755);
  }
  const installedKiB = Math.ceil((await treeBytes(`${stage}/usr`)) / 1024);
  await Deno.writeTextFile(
    `${control}/control`,
    [
      "Package: vitrine",
      `Version: ${version}`,
      "Architecture: amd64",
      "Maintainer: vitrine developers <vitrine@localhost>",
      "Depends: libc6 (>= 2.31)",
      "Suggests: clamav-freshclam",
      "Section: admin",
      "Priority: optional",
      `Installed-Size: ${installedKiB}`,
      "Description: open, privacy-tiered diagnostic data for Linux endpoints",
      " vitrine collects an endpoint agent's diagnostic data in the open: required",
      " and optional tiers per field, a local dashboard, a hash-chained audit",
      " export, and sending only what the policy allows to the organisation's own",
      " backend (OTLP, Prometheus, pre-signed upload URLs).",
      "",
    ].join("\n"),
  );
  return installedKiB;
}

/**
 * Builds the package into `outDir`; `version` overrides the program's own
 * (for upgrade tests: it becomes the package's and the program's version).
 */
export async function buildPackage(
  outDir = `${ROOT}dist`,
  options: { version?: string } = {},
): Promise<BuiltPackage> {
  const version = options.version ?? denoConfig.version;
  const stage = await Deno.makeTempDir({ prefix: "vitrine-package-" });
  const work = await Deno.makeTempDir({ prefix: "vitrine-package-work-" });
  try {
    const lib = `${stage}/usr/lib/vitrine`;
    await Deno.mkdir(lib, { recursive: true });
    await Deno.mkdir(`${stage}/usr/bin`, { recursive: true });
    const denort = Deno.env.get("DENORT_BIN");
    const { runtime, runtimeText } = denort && (await Deno.stat(denort).then((i) =>
        i.isFile, () => false))
      ? await stageCompiled(stage, lib, denort)
      : await stageDenoFromNpm(stage, lib, work, version);
    await Deno.chmod(`${stage}/usr/bin/vitrine`, 0o755);
    await stageServiceAndDocs(stage, version, runtimeText);
    const installedKiB = await stageControl(stage, version);
    await Deno.mkdir(outDir, { recursive: true });
    const path = `${outDir}/vitrine_${version}_amd64.deb`;
    progress(`writing ${path} (compressing ${(installedKiB / 1024).toFixed(0)} MiB)`);
    await run("dpkg-deb", ["--root-owner-group", "-Zxz", "-z3", "--build", stage, path]);
    const bytes = (await Deno.stat(path)).size;
    return { path, version, runtime, runtimeText, bytes };
  } finally {
    await Deno.remove(stage, { recursive: true }).catch(() => {});
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const built = await buildPackage(Deno.args[0]);
  console.log(
    `Built ${built.path} (${
      (built.bytes / 1048576).toFixed(1)
    } MiB): vitrine ${built.version} with ${built.runtimeText}.`,
  );
}
