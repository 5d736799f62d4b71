/**
 * Every command's flags, in one table: each a string or a boolean. Every
 * command also takes `--help` (`-h`); `--out` has the short form `-o`.
 *
 * @module
 */

/** The data directory and the managed file, which every data-reading command takes. */
const DATA = { "data-dir": "string", "managed-config": "string" } as const;
/** The event filter of `events` and `export`. */
const FILTER = { type: "string", tier: "string", since: "string", until: "string" } as const;

/** The flags of each command, by command. */
export const COMMAND_FLAGS = {
  run: {
    ...DATA,
    port: "string",
    listen: "string",
    interval: "string",
    "system-interval": "string",
    "file-activity-interval": "string",
    prefer: "string",
    "log-dir": "string",
    "exit-with-launcher": "boolean",
  },
  catalog: { type: "string" },
  events: { ...DATA, ...FILTER, limit: "string", search: "string" },
  export: { ...DATA, ...FILTER, out: "string", format: "string", gzip: "boolean" },
  verify: { json: "boolean" },
  health: DATA,
  sent: { ...DATA, limit: "string", before: "string", received: "string" },
  config: DATA,
  sample: {
    ...DATA,
    level: "string",
    json: "boolean",
    actor: "string",
    state: "string",
    limit: "string",
  },
  consent: { ...DATA, actor: "string" },
  data: { ...DATA, actor: "string" },
  support: { ...DATA, url: "string", bundle: "string" },
  lifecycle: {
    ...DATA,
    from: "string",
    "correlation-id": "string",
    by: "string",
    "flush-seconds": "string",
  },
  stop: { "data-dir": "string", timeout: "string" },
  "service-stopped": { "data-dir": "string" },
  dashboard: { "data-dir": "string", port: "string", "read-token": "boolean" },
} as const;

/** A command that takes flags. */
export type CommandName = keyof typeof COMMAND_FLAGS;

/** One-letter forms of flags, whichever command takes them. */
export const SHORT_FLAGS: Readonly<Record<string, string>> = { h: "help", o: "out" };
