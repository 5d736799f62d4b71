/**
 * The policy in effect: every setting's value and where it came from.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { Tier } from "../catalog/types.ts";
import { type SettingKey, SETTINGS, type Settings } from "./settings_spec.ts";
import { tierOf } from "./tiers.ts";
import type { SettingProblem } from "./validate_settings.ts";

/** Where the value of a setting comes from. */
export type SettingSource = "default" | "local" | "managed" | "fail_closed";

/** A problem of the managed file, with the file named. */
export interface PolicyProblem extends SettingProblem {
  file: string;
}

/** The state of the managed file. `invalid` means the agent fails closed until it is fixed. */
export type ManagedState = "absent" | "valid" | "invalid";

/** One setting in effect, as listings show it. */
export interface PolicyEntry {
  key: SettingKey;
  value: unknown;
  source: SettingSource;
}

/** What a policy is made of. */
export interface PolicyParts {
  values: Settings;
  sources: Readonly<Record<SettingKey, SettingSource>>;
  managedFile: string;
  managedState: ManagedState;
  /** What the managed file's path held when it was read (null: not known). */
  managedStamp?: string | null;
  problems: readonly PolicyProblem[];
}

/** The policy in effect. Values are read through {@linkcode Policy.get}. */
export class Policy {
  readonly managedFile: string;
  readonly managedState: ManagedState;
  readonly problems: readonly PolicyProblem[];
  /** What the managed file's path held when it was read (null: not known). */
  readonly managedStamp: string | null;
  /** The diagnostic level in effect. */
  readonly level: Tier;
  readonly #values: Settings;
  readonly #sources: Readonly<Record<SettingKey, SettingSource>>;

  constructor(parts: PolicyParts) {
    this.#values = parts.values;
    this.#sources = parts.sources;
    this.managedFile = parts.managedFile;
    this.managedState = parts.managedState;
    this.problems = parts.problems;
    this.managedStamp = parts.managedStamp ?? null;
    this.level = tierOf(parts.values["cloudService.diagnosticLevel"]);
  }

  /** The value in effect of `key`. */
  get<K extends SettingKey>(key: K): Settings[K] {
    return this.#values[key];
  }

  /** Where the value of `key` comes from. */
  source(key: SettingKey): SettingSource {
    return this.#sources[key];
  }

  /** Every setting in documentation order, with its value and source. */
  entries(): PolicyEntry[] {
    return SETTINGS.map(({ key }) => ({
      key,
      value: this.#values[key],
      source: this.#sources[key],
    }));
  }

  /**
   * This policy with collection held to the required tier: what the
   * resource watchdog gives a collector whose optional work it sheds. Only
   * collection reads it; storing, showing and deleting keep this policy.
   */
  collectingRequiredOnly(): Policy {
    if (this.level === "required") return this;
    return new Policy({
      values: { ...this.#values, "cloudService.diagnosticLevel": "required" },
      sources: this.#sources,
      managedFile: this.managedFile,
      managedState: this.managedState,
      managedStamp: this.managedStamp,
      problems: this.problems,
    });
  }

  /** A text that differs whenever anything in effect differs. */
  signature(): string {
    return JSON.stringify([this.entries(), this.managedFile, this.managedState, this.problems]);
  }

  /** A short digest of {@linkcode signature}: what an agent publishes so commands can compare. */
  fingerprint(): string {
    return createHash("sha256").update(this.signature()).digest("hex").slice(0, 16);
  }
}
