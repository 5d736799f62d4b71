/**
 * Flag parsing shared by every command, on node:util's parseArgs.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { defaultDataDir } from "../agent/data_dir.ts";
import { parseFilter, type UserFilter } from "../store/parse_filter.ts";
import { UsageError } from "./usage_error.ts";

/** Options of parseArgs, as each command declares them. */
export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

/** The flags every data-reading command takes. */
export const DATA_FLAGS: FlagSpec = {
  "data-dir": { type: "string" },
  "managed-config": { type: "string" },
  help: { type: "boolean", short: "h" },
};

/** Parsed flags and positional arguments. */
export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Parses `args` strictly; unknown flags become a {@linkcode UsageError}. */
export function parseFlags(
  command: string,
  args: string[],
  options: FlagSpec,
  positionals = false,
): ParsedFlags {
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: positionals });
    return { values: parsed.values as ParsedFlags["values"], positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(
      `vitrine ${command}: ${
        (error as Error).message
      }. Run \`vitrine ${command} --help\` for the flags it takes.`,
    );
  }
}

/**
 * The data directory the flags name (or the default one) and the managed
 * file they name (undefined without `--managed-config`: the running
 * agent's, else the default, is meant).
 */
export function dataLocation(
  values: ParsedFlags["values"],
): { dataDir: string; managedFile: string | undefined } {
  const dataDir = values["data-dir"];
  const managed = values["managed-config"];
  if (dataDir !== undefined && (typeof dataDir !== "string" || dataDir === "")) {
    throw new UsageError("--data-dir needs a directory path");
  }
  return {
    dataDir: typeof dataDir === "string" ? dataDir : defaultDataDir(),
    managedFile: typeof managed === "string" ? managed : undefined,
  };
}

/** A positive whole number of seconds from a flag value. */
export function parseSeconds(
  flag: string,
  value: unknown,
  min = 1,
  max = 86400,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(
      `--${flag} "${String(value)}" is not a whole number of seconds from ${min} to ${max}`,
    );
  }
  return n;
}

/** The event filter flags of `events` and `export`. */
export const FILTER_FLAGS: FlagSpec = {
  type: { type: "string" },
  tier: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
};

/** Builds an event filter from parsed flags; bad values become a UsageError. */
export function filterFromFlags(
  command: string,
  values: ParsedFlags["values"],
  extra: Record<string, string | undefined> = {},
): UserFilter {
  const text = (
    name: string,
  ) => (typeof values[name] === "string" ? values[name] as string : undefined);
  try {
    return parseFilter({
      type: text("type"),
      tier: text("tier"),
      since: text("since"),
      until: text("until"),
      ...extra,
    });
  } catch (error) {
    throw new UsageError(`vitrine ${command}: ${(error as Error).message}`);
  }
}
