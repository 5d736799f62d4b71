// A fresh install is quiet: the agent as shipped (`deno task start`), on a
// new data directory, at the default settings and at the optional level,
// reports no problem in health for its first 10 minutes — every size check,
// policy look, status, memory trim and collection of that time included.
//
// It takes 10 minutes, so `deno task test` runs this folder beside the
// others (two `deno test` processes); the agents are idle but for their own
// timers. The optional agent's file activity would count the suite's own
// file churn running beside it, so it counts on a tmpfs of its own when it
// can mount one (root), and otherwise reads no kernel events.
import { deepEqual, equal } from "node:assert/strict";
import { healthOf, startAgent, stopAgent } from "../../testing/shipped_agent.ts";
import { missing } from "../../testing/requires.ts";
import { tempDir } from "../../testing/temp_dir.ts";

const MINUTES = 10;
const LOOK_EVERY_MS = 15_000;

Deno.test({
  name:
    "a fresh start reports no problem in health for its first 10 minutes, at the default and the optional level",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    const quietFiles = `${dir.path}/quiet-files`;
    await Deno.mkdir(quietFiles);
    const ownTmpfs = missing("root", "mount", "umount").length === 0;
    if (ownTmpfs) {
      await new Deno.Command("mount", {
        args: ["-t", "tmpfs", "-o", "size=8m", "tmpfs", quietFiles],
      })
        .output();
    }
    const optionalPolicy = `${dir.path}/optional.json`;
    await Deno.writeTextFile(
      optionalPolicy,
      JSON.stringify({
        cloudService: { diagnosticLevel: "optional" },
        fileActivity: { paths: [quietFiles] },
      }),
    );
    const agents = {
      default: await startAgent(`${dir.path}/default`, [
        "--managed-config",
        `${dir.path}/none.json`,
      ]),
      optional: await startAgent(`${dir.path}/optional`, [
        "--managed-config",
        optionalPolicy,
        ...(ownTmpfs ? [] : ["--prefer", "inotify"]),
      ]),
    };
    const flags = {
      default: ["--managed-config", `${dir.path}/none.json`],
      optional: ["--managed-config", optionalPolicy],
    };
    const heard: string[] = [];
    try {
      const end = Date.now() + MINUTES * 60_000;
      while (Date.now() < end) {
        for (const level of ["default", "optional"] as const) {
          const health = await healthOf(agents[level], flags[level]);
          const seconds = Math.round((Date.now() - (end - MINUTES * 60_000)) / 1000);
          for (const problem of health.problems as string[]) {
            heard.push(`${level}, ${seconds} s: ${problem}`);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
      }
      deepEqual([...new Set(heard)], [], "no problem was reported");
    } finally {
      for (const agent of Object.values(agents)) equal(await stopAgent(agent), 0, agent.output());
      if (ownTmpfs) await new Deno.Command("umount", { args: ["-l", quietFiles] }).output();
    }
  },
});
