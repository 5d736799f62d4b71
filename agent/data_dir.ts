/**
 * Where vitrine keeps its data.
 *
 * @module
 */
import { geteuid } from "../ffi/euid.ts";

/**
 * The data directory: `--data-dir`, else `VITRINE_DATA_DIR`, else
 * /var/lib/vitrine for root, else `$XDG_STATE_HOME/vitrine` or
 * ~/.local/state/vitrine.
 */
export function defaultDataDir(): string {
  const fromEnv = Deno.env.get("VITRINE_DATA_DIR");
  if (fromEnv) return fromEnv;
  if (geteuid() === 0) return "/var/lib/vitrine";
  const state = Deno.env.get("XDG_STATE_HOME");
  if (state) return `${state}/vitrine`;
  const home = Deno.env.get("HOME");
  if (!home) {
    throw new Error(
      "Cannot choose a data directory: HOME is not set. Pass --data-dir or set VITRINE_DATA_DIR.",
    );
  }
  return `${home}/.local/state/vitrine`;
}

/** The files inside a data directory. */
export function dataPaths(dataDir: string): {
  database: string;
  lock: string;
  running: string;
  token: string;
  support: string;
} {
  return {
    database: `${dataDir}/vitrine.db`,
    lock: `${dataDir}/vitrine.lock`,
    running: `${dataDir}/running.json`,
    token: `${dataDir}/dashboard.token`,
    support: `${dataDir}/support`,
  };
}

/** The default managed policy file. */
export const DEFAULT_MANAGED_FILE = "/etc/vitrine/managed.json";
