/**
 * Gives the garbage of a long export back while it runs.
 *
 * An export makes strings quickly and keeps almost none of them, yet V8
 * lets its heap grow to several times what is alive before it collects:
 * measured, an export of 100,000 events peaked at 270 MiB with some 20 MiB
 * alive. Where the runtime exposes `gc` (`--expose-gc`, which the `vitrine`
 * task and the package's launcher pass), a full collection after every few
 * megabytes written keeps the peak near what is alive, for some of the
 * export's speed (both are in the README's benchmarks). Elsewhere nothing
 * happens.
 *
 * @module
 */

/** Text handed out between two collections, in UTF-16 code units. */
export const RELEASE_EVERY_CHARS = 8 * 1024 * 1024;

type Collect = () => void;

/** Runs a full garbage collection when the runtime allows it; true when it ran. */
export function releaseGarbage(): boolean {
  const gc = (globalThis as { gc?: Collect }).gc;
  if (typeof gc !== "function") return false;
  gc();
  return true;
}
