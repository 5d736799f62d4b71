/**
 * Notices when whatever launched `vitrine run` is gone. `npx … task start`
 * runs the agent under npm, a shell and `deno task`; a SIGTERM to npm ends
 * npm and its shell but reaches neither `deno task` nor the agent, which
 * would run on, orphaned. The agent therefore stops (cleanly, as on
 * SIGTERM) when its parent changes or when the leader of its process group
 * exits. A service manager's main process is its own group leader and its
 * parent never changes, so a packaged service is never stopped this way.
 *
 * @module
 */
import { processAlive, ProcessExit } from "../ffi/process.ts";
import { readKernelFile } from "../ffi/read_kernel_file.ts";

/** The parent and process group of this process, from /proc/self/stat. */
function lineage(): { ppid: number; pgrp: number } {
  const stat = readKernelFile("/proc/self/stat");
  // The command name may hold spaces and parentheses: fields follow the last ")".
  const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { ppid: Number(ppid), pgrp: Number(pgrp) };
}

/** One wait for an exit lasts at most this long before it is simply made again. */
const WAIT_MS = 10 * 60 * 1000;

/** What to watch: the parent, and the group's leader when that is another process. */
function launchers(): { pid: number; why: string }[] {
  const start = lineage();
  const watched = [{ pid: start.ppid, why: `its parent process (${start.ppid}) is gone` }];
  if (start.pgrp !== Deno.pid && start.pgrp > 1) {
    watched.push({
      pid: start.pgrp,
      why: `the process that launched its group (${start.pgrp}) is gone`,
    });
  }
  return watched;
}

/**
 * Calls `onGone` once, with the reason, when the launcher is gone. The
 * kernel says so (a pidfd per process, waited on by another thread, so that
 * nothing wakes the agent meanwhile); where pidfds are not available the
 * lineage is looked at every `everyMs`. Returns the function that stops watching.
 */
export function watchLauncher(onGone: (why: string) => void, everyMs = 2000): () => void {
  const watched = launchers();
  const exits: ProcessExit[] = [];
  try {
    for (const { pid } of watched) exits.push(ProcessExit.open(pid));
  } catch {
    for (const exit of exits) void exit.close();
    return pollLauncher(onGone, everyMs);
  }
  let done = false;
  const stop = () => {
    done = true;
    for (const exit of exits) void exit.close();
  };
  exits.forEach(async (exit, i) => {
    while (!done) {
      if (!(await exit.ended(WAIT_MS)) || done) continue;
      stop();
      onGone(watched[i]!.why);
    }
  });
  return stop;
}

/** The fallback: the parent and the group's leader looked at every `everyMs`. */
function pollLauncher(onGone: (why: string) => void, everyMs: number): () => void {
  const start = lineage();
  const timer = setInterval(() => {
    const now = lineage();
    let why: string | null = null;
    if (now.ppid !== start.ppid) {
      why = `its parent process (${start.ppid}) is gone`;
    } else if (start.pgrp !== Deno.pid && start.pgrp > 1 && !processAlive(start.pgrp)) {
      why = `the process that launched its group (${start.pgrp}) is gone`;
    }
    if (why) {
      clearInterval(timer);
      onGone(why);
    }
  }, everyMs);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
