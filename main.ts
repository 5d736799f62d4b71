/**
 * vitrine: an open, local, privacy-tiered diagnostic-data collector for
 * Linux endpoints. This is the command line; `vitrine run` is the agent.
 *
 * @module
 */
import { AgentLockedError } from "./agent/data_dir.ts";
import { UsageError } from "./cli/usage_error.ts";
import { InputError } from "./input/input_error.ts";
import { APP_VERSION } from "./identity/identity.ts";
import { StoreError } from "./store/store_error.ts";

type Command = (args: string[]) => number | Promise<number>;

// Each command is loaded when it runs, so that the agent never holds what
// only `verify` or `export` needs (and the reverse).
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  run: {
    load: async () => (await import("./cli/run_command.ts")).runCommand,
    summary: "collect, store and serve the dashboard (what `deno task start` does)",
  },
  catalog: {
    load: async () => (await import("./cli/catalog_command.ts")).catalogCommand,
    summary: "print the catalogue of events and fields as JSON",
  },
  events: {
    load: async () => (await import("./cli/events_command.ts")).eventsCommand,
    summary: "print stored events as JSON",
  },
  export: {
    load: async () => (await import("./cli/export_command.ts")).exportCommand,
    summary: "write the audit export (JSON or NDJSON, hash-chained)",
  },
  verify: {
    load: async () => (await import("./cli/verify_command.ts")).verifyCommand,
    summary: "check that an export is intact (schema, counts, hash chain)",
  },
  health: {
    load: async () => (await import("./cli/health_command.ts")).healthCommand,
    summary: "print the agent's health as JSON",
  },
  sent: {
    load: async () => (await import("./cli/sent_command.ts")).sentCommand,
    summary: "print what left this machine: outbox, deliveries, errors (JSON)",
  },
  config: {
    load: async () => (await import("./cli/config_command.ts")).configCommand,
    summary: "show the policy in effect; set local preferences",
  },
  sample: {
    load: async () => (await import("./cli/sample_command.ts")).sampleCommand,
    summary: "`sample check FILE`: would this file be submitted as a sample?",
  },
  data: {
    load: async () => (await import("./cli/data_command.ts")).dataCommand,
    summary:
      "`data delete --actor NAME`: delete this machine's diagnostic data, here and at the backend",
  },
  consent: {
    load: async () => (await import("./cli/consent_command.ts")).consentCommand,
    summary: "grant, revoke or show consent for support logs",
  },
  support: {
    load: async () => (await import("./cli/consent_command.ts")).supportCommand,
    summary: "`support collect` or `support upload --url URL`: support bundles (need consent)",
  },
  lifecycle: {
    load: async () => (await import("./cli/lifecycle_command.ts")).lifecycleCommand,
    summary: "record an install, upgrade or uninstall (what the package's scripts call)",
  },
  stop: {
    load: async () => (await import("./cli/stop_command.ts")).stopCommand,
    summary: "stop the agent running on a data directory (it flushes first) and wait for it",
  },
  "service-stopped": {
    load: async () => (await import("./cli/service_stopped_command.ts")).serviceStoppedCommand,
    summary: "note a watchdog kill for the next start (the service's ExecStopPost)",
  },
  dashboard: {
    load: async () => (await import("./cli/dashboard_command.ts")).dashboardCommand,
    summary: "print the dashboard URL with its access token",
  },
};

/** The top-level help. */
export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `vitrine ${APP_VERSION}: open, local, privacy-tiered diagnostic data for Linux

Usage: vitrine <command> [flags]     (vitrine <command> --help for its flags)

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`).join("\n")}`;
}

/** Runs the command line and returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    console.log(mainHelp());
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "version") {
    console.log(APP_VERSION);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    console.error(
      `vitrine: unknown command "${command}". Commands: ${
        Object.keys(COMMANDS).join(", ")
      }. Run \`vitrine --help\`.`,
    );
    return 2;
  }
  try {
    return await (await entry.load())(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    if (error instanceof InputError) {
      console.error(`vitrine ${command}: ${error.message}`);
      return 2;
    }
    if (error instanceof AgentLockedError || error instanceof StoreError) {
      console.error(`vitrine ${command}: ${error.message}`);
      return 1;
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      console.error(
        `vitrine ${command}: permission denied: ${error.message}. Run as a user that may use the data directory, or pass --data-dir.`,
      );
      return 1;
    }
    throw error;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
