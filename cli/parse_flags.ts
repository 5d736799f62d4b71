/**
 * Flag parsing shared by every command. The parser is our own, strict and
 * small: node:util's parseArgs cost the agent 2.5 MB of memory for life.
 *
 * @module
 */
import { defaultDataDir } from "../agent/data_dir.ts";
import { parseFilter, type UserFilter } from "../store/parse_filter.ts";
import { UsageError } from "./usage_error.ts";

/** The flags a command takes: each a string or a boolean, with an optional one-letter form. */
export type FlagSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

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
  const wrong = (message: string) =>
    new UsageError(
      `vitrine ${command}: ${message}. Run \`vitrine ${command} --help\` for the flags it takes.`,
    );
  const shorts = new Map(
    Object.entries(options).flatMap(([name, spec]) => spec.short ? [[spec.short, name]] : []),
  );
  const parsed: ParsedFlags = { values: {}, positionals: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      parsed.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      if (!positionals) {
        throw wrong(`unexpected argument "${arg}"; this command takes no positional arguments`);
      }
      parsed.positionals.push(arg);
      continue;
    }
    const long = arg.startsWith("--");
    const equals = long ? arg.indexOf("=") : -1;
    const given = long ? arg.slice(2, equals < 0 ? undefined : equals) : arg.slice(1);
    const name = long ? given : shorts.get(given);
    const spec = name === undefined ? undefined : options[name];
    if (name === undefined || spec === undefined) throw wrong(`unknown flag "${arg}"`);
    if (spec.type === "boolean") {
      if (equals >= 0) throw wrong(`the flag "--${name}" takes no value`);
      parsed.values[name] = true;
      continue;
    }
    const value = equals >= 0 ? arg.slice(equals + 1) : args[++i];
    if (value === undefined || (equals < 0 && value.startsWith("--"))) {
      throw wrong(`the flag "--${name}" needs a value`);
    }
    parsed.values[name] = value;
  }
  return parsed;
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
