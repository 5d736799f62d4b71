/**
 * vitrine: an open, local, privacy-tiered diagnostic-data collector for
 * Linux endpoints. This is the command line; `vitrine run` is the agent.
 *
 * @module
 */
import { AgentLockedError } from "./agent/data_dir.ts";
import { StoreError } from "./store/open_store.ts";
import { APP_VERSION } from "./identity/identity.ts";
import { catalogCommand } from "./cli/catalog_command.ts";
import { configCommand } from "./cli/config_command.ts";
import { dashboardCommand } from "./cli/dashboard_command.ts";
import { eventsCommand } from "./cli/events_command.ts";
import { exportCommand } from "./cli/export_command.ts";
import { healthCommand } from "./cli/health_command.ts";
import { runCommand } from "./cli/run_command.ts";
import { UsageError } from "./cli/usage_error.ts";
import { verifyCommand } from "./cli/verify_command.ts";
import { sampleCommand } from "./cli/sample_command.ts";
import { consentCommand, supportCommand } from "./cli/consent_command.ts";

const COMMANDS: Record<
  string,
  { run: (args: string[]) => number | Promise<number>; summary: string }
> = {
  run: {
    run: runCommand,
    summary: "collect, store and serve the dashboard (what `deno task start` does)",
  },
  catalog: { run: catalogCommand, summary: "print the catalogue of events and fields as JSON" },
  events: { run: eventsCommand, summary: "print stored events as JSON" },
  export: { run: exportCommand, summary: "write the audit export (JSON or NDJSON, hash-chained)" },
  verify: {
    run: verifyCommand,
    summary: "check that an export is intact (schema, counts, hash chain)",
  },
  health: { run: healthCommand, summary: "print the agent's health as JSON" },
  config: { run: configCommand, summary: "show the policy in effect; set local preferences" },
  sample: {
    run: sampleCommand,
    summary: "`sample check FILE`: would this file be submitted as a sample?",
  },
  consent: { run: consentCommand, summary: "grant, revoke or show consent for support logs" },
  support: {
    run: supportCommand,
    summary: "`support collect`: gather a support bundle (needs consent)",
  },
  dashboard: { run: dashboardCommand, summary: "print the dashboard URL with its access token" },
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
    return await entry.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
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
