/**
 * Flag parsing shared by every command. The parser is our own, strict and
 * small: node:util's parseArgs cost the agent 2.5 MB of memory for life.
 *
 * @module
 */
import { defaultDataDir } from "../store/data_paths.ts";
import { parseFilter, type UserFilter } from "../input/parse_filter.ts";
import { DEFAULT_PORT, parsePort, wholeNumber } from "../input/whole_number.ts";
import { COMMAND_FLAGS, type CommandName, SHORT_FLAGS } from "./command_flags.ts";
import { UsageError } from "./usage_error.ts";

/** The flags a command takes: each a string or a boolean, with an optional one-letter form. */
export type FlagSpec = Readonly<
  Record<string, { readonly type: "string" | "boolean"; readonly short?: string }>
>;

/** The values of the flags of `S`, each typed by its spec (absent when not given). */
export type FlagValues<S extends FlagSpec> = {
  -readonly [K in keyof S]?: S[K]["type"] extends "string" ? string : boolean;
};

/** Parsed flags and positional arguments. */
export interface ParsedFlags<S extends FlagSpec = FlagSpec> {
  values: FlagValues<S>;
  positionals: string[];
}

/** Parses `args` strictly; unknown flags become a {@linkcode UsageError}. */
export function parseFlags<const S extends FlagSpec>(
  command: string,
  args: string[],
  options: S,
  positionals = false,
): ParsedFlags<S> {
  const wrong = (message: string) =>
    new UsageError(
      `vitrine ${command}: ${message}. Run \`vitrine ${command} --help\` for the flags it takes.`,
    );
  const shorts = new Map(
    Object.entries(options).flatMap(([name, spec]) => spec.short ? [[spec.short, name]] : []),
  );
  const parsed: ParsedFlags<S> = { values: {}, positionals: [] };
  const values = parsed.values as Record<string, string | boolean>;
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
      values[name] = true;
      continue;
    }
    const value = equals >= 0 ? arg.slice(equals + 1) : args[++i];
    if (value === undefined || (equals < 0 && value.startsWith("--"))) {
      throw wrong(`the flag "--${name}" needs a value`);
    }
    values[name] = value;
  }
  return parsed;
}

/** The values of `command`'s flags, each typed by the table (absent when not given). */
export type CommandValues<C extends CommandName> =
  & {
    -readonly [K in keyof (typeof COMMAND_FLAGS)[C]]?: (typeof COMMAND_FLAGS)[C][K] extends "string"
      ? string
      : boolean;
  }
  & { help?: boolean };

/**
 * Parses the flags of `command` (from {@linkcode COMMAND_FLAGS}) and
 * answers `--help` with `help`: null then (the command has nothing more to do).
 */
export function commandFlags<C extends CommandName>(
  command: C,
  args: string[],
  help: string,
  positionals = false,
): { values: CommandValues<C>; positionals: string[] } | null {
  const spec: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, type] of Object.entries(COMMAND_FLAGS[command])) {
    const short = Object.entries(SHORT_FLAGS).find(([, long]) => long === name)?.[0];
    spec[name] = { type: type as "string" | "boolean", ...(short ? { short } : {}) };
  }
  const parsed = parseFlags(command, args, spec, positionals);
  if (parsed.values.help !== true) {
    return parsed as { values: CommandValues<C>; positionals: string[] };
  }
  console.log(help);
  return null;
}

/**
 * The data directory the flags name (or the default one) and the managed
 * file they name (undefined without `--managed-config`: the running
 * agent's, else the default, is meant).
 */
export function dataLocation(
  values: { "data-dir"?: string; "managed-config"?: string },
): { dataDir: string; managedFile: string | undefined } {
  const dataDir = values["data-dir"];
  if (dataDir === "") throw new UsageError("--data-dir needs a directory path");
  return { dataDir: dataDir ?? defaultDataDir(), managedFile: values["managed-config"] };
}

/** A positive whole number of seconds from a flag value. */
export function parseSeconds(
  flag: string,
  value: string | undefined,
  min = 1,
  max = 86400,
): number | undefined {
  if (value === undefined) return undefined;
  try {
    return wholeNumber(`--${flag}`, value, min, max);
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (seconds)`);
  }
}

/** A port from a flag value: `--port` of `vitrine run` admits 0 (any free port). */
export function parsePortFlag(value: string | undefined, zero = false): number {
  if (value === undefined) return DEFAULT_PORT;
  try {
    return parsePort("--port", value, zero);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Builds an event filter from parsed flags; bad values become a UsageError. */
export function filterFromFlags(
  command: string,
  values: { type?: string; tier?: string; since?: string; until?: string },
  extra: Record<string, string | undefined> = {},
): UserFilter {
  try {
    return parseFilter({
      type: values.type,
      tier: values.tier,
      since: values.since,
      until: values.until,
      ...extra,
    });
  } catch (error) {
    throw new UsageError(`vitrine ${command}: ${(error as Error).message}`);
  }
}
