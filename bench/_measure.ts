// Measurement helpers for the benchmark scripts.
import { getrusage } from "../ffi/rusage.ts";

/** CPU seconds (user + system) of this process. */
export function cpuSelf(): number {
  const u = getrusage("self");
  return u.userCpuSeconds + u.systemCpuSeconds;
}

/** CPU seconds of waited-for children. */
export function cpuChildren(): number {
  const u = getrusage("children");
  return u.userCpuSeconds + u.systemCpuSeconds;
}

/** The q-quantile of `values`. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Peak RSS of a finished child from /usr/bin/time style measurement: VmHWM polling. */
export async function runMeasured(
  command: string,
  args: string[],
  stdoutPath?: string,
): Promise<{ seconds: number; peakRss: number; code: number }> {
  const started = performance.now();
  const child = new Deno.Command(command, {
    args,
    stdout: stdoutPath ? "piped" : "null",
    stderr: "null",
  }).spawn();
  let peak = 0;
  const poll = setInterval(() => {
    try {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
      peak = Math.max(peak, hwm);
    } catch {
      // The child has ended.
    }
  }, 20);
  if (stdoutPath) {
    const file = await Deno.open(stdoutPath, { write: true, create: true, truncate: true });
    await child.stdout.pipeTo(file.writable);
  }
  const status = await child.status;
  clearInterval(poll);
  return { seconds: (performance.now() - started) / 1000, peakRss: peak, code: status.code };
}

/** Prints a result line and returns it for the summary. */
export function report(name: string, value: string): string {
  const line = `${name.padEnd(58)} ${value}`;
  console.log(line);
  return line;
}
