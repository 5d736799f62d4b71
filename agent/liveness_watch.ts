/**
 * Liveness for systemd's watchdog (`WatchdogSec=`, `Type=notify`): READY=1
 * once started, WATCHDOG=1 every 5 s (or half the interval systemd asks
 * for, when shorter), but only
 * while the agent's work moves — the event loop runs (the ping's own
 * timer), the database takes writes, and no scheduled task is stuck. When
 * it stops pinging it leaves a watchdog note, so that the restart systemd
 * makes is recorded as a crash with reason "watchdog"; if the work moves
 * again it takes the note back. STOPPING=1 on a stop. Without
 * `$NOTIFY_SOCKET` it does nothing.
 *
 * @module
 */
import { NotifySocket } from "../ffi/notify_socket.ts";
import type { TaskStatus } from "./scheduler.ts";

/** What the watch reads of the agent. */
export interface LivenessSources {
  /** When a write to the database last completed (epoch ms). */
  lastWriteAt(): number;
  /** The scheduler's tasks. */
  tasks(): readonly TaskStatus[];
  /** Leaves the note that the next start records as a watchdog crash. */
  noteHang(why: string): void;
  /** Takes that note back once work moves again. */
  clearHang(): Promise<void>;
}

/** A stall in the agent's work, in words, or null while it moves. */
export function stalled(
  sources: Pick<LivenessSources, "lastWriteAt" | "tasks">,
  stallMs: number,
  now = Date.now(),
): string | null {
  const quiet = now - sources.lastWriteAt();
  if (quiet > stallMs) {
    return `no write to the database has completed for ${Math.round(quiet / 1000)} s`;
  }
  for (const task of sources.tasks()) {
    // A run that should have started long ago did not: its timer or the loop is stuck.
    if (task.nextRunAt !== null && now - task.nextRunAt > stallMs) {
      return `task "${task.name}" was due ${Math.round((now - task.nextRunAt) / 1000)} s ago`;
    }
  }
  return null;
}

/** The longest time between two pings. */
const PING_MS = 5000;

/** How long without progress counts as a hang, unless the caller says otherwise. */
export const STALL_MS = 45_000;

/** Tells systemd the agent is ready, alive and stopping. */
export class LivenessWatch {
  readonly #socket: NotifySocket | null;
  readonly #intervalMs: number | null;
  readonly #stallMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #hung: string | null = null;
  #pings = 0;
  #error: string | null = null;

  constructor(stallMs = STALL_MS) {
    this.#stallMs = stallMs;
    let socket: NotifySocket | null = null;
    try {
      socket = NotifySocket.fromEnvironment();
    } catch (error) {
      this.#error = (error as Error).message;
    }
    this.#socket = socket;
    // systemd gives the interval in µs, for this process only (WATCHDOG_PID).
    const usec = Number(Deno.env.get("WATCHDOG_USEC"));
    const pid = Deno.env.get("WATCHDOG_PID");
    const ours = pid === undefined || Number(pid) === Deno.pid;
    // Pinged at least twice per interval, and every 5 s at most apart, so a
    // stall is noticed (and noted) well before systemd's patience runs out.
    this.#intervalMs = socket && ours && Number.isFinite(usec) && usec > 0
      ? Math.min(usec / 2000, PING_MS)
      : null;
  }

  #send(state: string): void {
    if (!this.#socket) return;
    try {
      this.#socket.send(state);
      this.#error = null;
    } catch (error) {
      // systemd gone or restarting: said in health, never fatal.
      this.#error = (error as Error).message;
    }
  }

  /** Says READY=1 and starts pinging while `sources` show progress. */
  ready(sources: LivenessSources): void {
    this.#send(`READY=1\nMAINPID=${Deno.pid}`);
    if (this.#intervalMs === null) return;
    this.#timer = setInterval(() => {
      const why = stalled(sources, this.#stallMs);
      if (why === null) {
        this.#send("WATCHDOG=1");
        this.#pings++;
        if (this.#hung !== null) {
          this.#hung = null;
          this.#send("STATUS=Making progress again");
          void sources.clearHang().catch(() => {});
        }
        return;
      }
      if (this.#hung === null) {
        this.#hung = why;
        sources.noteHang(why);
      }
      // No ping, but what stopped, each time one was due: `systemctl status` shows it.
      this.#send(`STATUS=Not making progress: ${why}`);
    }, this.#intervalMs);
  }

  /** Says STOPPING=1 and stops pinging. */
  stopping(): void {
    clearInterval(this.#timer);
    this.#send("STOPPING=1");
    this.#socket?.close();
  }

  /** What health shows: whether systemd watches, pings sent, and any stall or error. */
  status(): { watched: boolean; intervalMs: number | null; pings: number; stall: string | null } {
    return {
      watched: this.#intervalMs !== null,
      intervalMs: this.#intervalMs,
      pings: this.#pings,
      stall: this.#hung,
    };
  }

  /** Trouble worth a line in health. */
  problems(): string[] {
    const out: string[] = [];
    if (this.#hung !== null) {
      out.push(`Liveness: ${this.#hung}; systemd is no longer told the agent is alive.`);
    }
    if (this.#error !== null) {
      out.push(`The service manager's notification socket failed: ${this.#error}`);
    }
    return out;
  }
}
