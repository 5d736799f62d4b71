/**
 * Timers that fire on a shared grid. Each wake-up of the runtime costs
 * about a third of a millisecond of CPU whatever it does, so the agent's
 * periodic work (collectors, the kernel reader, policy polls) is lined up
 * to wake the process once per grid step rather than once per timer; work
 * due every few seconds or more shares a coarser grid.
 *
 * @module
 */

/** The grid step. */
export const GRID_MS = 1000;
/**
 * The coarser step for delays of at least this long: work every 5 or 10 s
 * (the watchdog, status, log followers) then lands on the same wake-ups.
 */
export const COARSE_GRID_MS = 5000;

// Where on the grid this process wakes: random, so that a fleet started
// together does not wake in step.
const PHASE = Math.floor(Math.random() * GRID_MS);

/**
 * The delay until the first grid point at least `delayMs` from now. Delays
 * shorter than a grid step are kept as they are: such work is asked for
 * sooner than the grid could serve it.
 */
export function alignedDelay(delayMs: number, now = Date.now()): number {
  if (delayMs < GRID_MS) return Math.max(0, delayMs);
  const target = now + delayMs;
  const after = (step: number) => Math.ceil((target - PHASE) / step) * step + PHASE;
  if (delayMs >= COARSE_GRID_MS) {
    // The nearest coarse point (coarse points are fine ones too: same
    // phase), unless that cuts the delay by more than a tenth.
    const nearest = Math.round((target - PHASE) / COARSE_GRID_MS) * COARSE_GRID_MS + PHASE;
    return (nearest - now >= delayMs * 0.9 ? nearest : after(COARSE_GRID_MS)) - now;
  }
  return after(GRID_MS) - now;
}
