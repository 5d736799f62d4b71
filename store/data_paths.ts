/**
 * Where vitrine keeps its data and its logs: the data directory and the
 * files in it, the log directory, and the default managed policy file.
 * Everything that reads or writes there (the agent, the commands, samples,
 * support bundles) names them here.
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
  crashNote: string;
  token: string;
  readToken: string;
  support: string;
  samples: string;
  logKey: string;
} {
  return {
    database: `${dataDir}/vitrine.db`,
    lock: `${dataDir}/vitrine.lock`,
    running: `${dataDir}/running.json`,
    crashNote: `${dataDir}/crash-note.json`,
    token: `${dataDir}/dashboard.token`,
    readToken: `${dataDir}/read.token`,
    support: `${dataDir}/support`,
    samples: `${dataDir}/samples`,
    logKey: `${dataDir}/log-key.pkcs8`,
  };
}

/** The default managed policy file. */
export const DEFAULT_MANAGED_FILE = "/etc/vitrine/managed.json";

/** The log file's name in the log directory. */
export const AGENT_LOG = "vitrine.log";
/** The maintainer scripts' log in the log directory. */
export const INSTALL_LOG = "install.log";

/** The default log directory: the package's, when it exists and this is root. */
const PACKAGE_LOG_DIR = "/var/log/vitrine";

/**
 * Where logs are kept: `flag` (--log-dir), else VITRINE_LOG_DIR, else the
 * package's /var/log/vitrine when it exists and this is root; null when
 * there is none.
 */
export function logDirectory(flag?: string): string | null {
  if (flag) return flag;
  const env = Deno.env.get("VITRINE_LOG_DIR");
  if (env) return env;
  try {
    if (Deno.uid() === 0 && Deno.statSync(PACKAGE_LOG_DIR).isDirectory) return PACKAGE_LOG_DIR;
  } catch {
    // No package directory.
  }
  return null;
}
