/**
 * Which file events count: inside the watched paths and not excluded.
 *
 * @module
 */
import type { ExclusionSetting } from "../../policy/settings_spec.ts";

/** An exclusion as the reader applies it. */
export type Exclusion =
  | { kind: "path"; path: string; isDirectory: boolean }
  | { kind: "extension"; extension: string }
  | { kind: "name"; name: string };

function under(path: string, directory: string): boolean {
  return path.startsWith(directory.endsWith("/") ? directory : `${directory}/`);
}

/** Whether the entry `name` at `path` matches one of `exclusions`. */
export function isExcluded(path: string, name: string, exclusions: readonly Exclusion[]): boolean {
  return exclusions.some((exclusion) => {
    switch (exclusion.kind) {
      case "name":
        return exclusion.name === name;
      case "extension": {
        const ext = exclusion.extension.startsWith(".")
          ? exclusion.extension
          : `.${exclusion.extension}`;
        return name.endsWith(ext);
      }
      case "path":
        return path === exclusion.path || (exclusion.isDirectory && under(path, exclusion.path));
    }
  });
}

/** Whether `path` lies at or below one of `roots`. */
export function inScope(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => root === "/" || path === root || under(path, root));
}

/**
 * Decides whether an event on `name` (at `path`, or at an unknown path when
 * null) counts. With an unknown path only name and extension exclusions
 * can apply, so callers resolve paths whenever scope or a path exclusion
 * needs them.
 */
export function pathFilter(
  roots: readonly string[],
  exclusions: readonly Exclusion[],
): (path: string | null, name: string) => boolean {
  return (path, name) =>
    path === null
      ? !isExcluded("", name, exclusions)
      : inScope(path, roots) && !isExcluded(path, name, exclusions);
}

/**
 * What counts of the entries of one directory: every one, none (out of
 * scope or excluded), or it depends on the entry's name (an exclusion
 * names entries there, or a watched root lies inside).
 */
export type Entries = "all" | "none" | "by_name";

/** `path` without trailing slashes ("/" stays "/"). */
function trimmed(path: string): string {
  const cut = path.replace(/\/+$/, "");
  return cut === "" ? "/" : cut;
}

function parentOf(path: string): string {
  const clean = trimmed(path);
  const cut = clean.lastIndexOf("/");
  return cut <= 0 ? "/" : clean.slice(0, cut);
}

/**
 * The decision for the entries of the directory `dir`, made once per
 * directory so that an event costs no path work: "by_name" only where an
 * entry's name can change the answer.
 */
export function entriesOf(
  dir: string,
  roots: readonly string[],
  exclusions: readonly Exclusion[],
): Entries {
  const here = trimmed(dir);
  const inside = inScope(here, roots);
  const rootBelow = !inside && roots.some((root) => parentOf(root) === here);
  if (!inside && !rootBelow) return "none";
  if (exclusions.some((e) => e.kind === "path" && e.isDirectory && isExcluded(here, "", [e]))) {
    return "none";
  }
  const named = exclusions.some((e) => e.kind !== "path" || parentOf(e.path) === here);
  return rootBelow || named ? "by_name" : "all";
}

/**
 * The exclusions the reader applies, from the `antivirusEngine.exclusions`
 * setting, plus the agent's own data directory (its database writes are
 * not file activity worth counting).
 */
export function readerExclusions(
  setting: readonly ExclusionSetting[],
  dataDir: string,
): Exclusion[] {
  const list = setting.map((item): Exclusion => {
    switch (item.$type) {
      case "excludedPath":
        return { kind: "path", path: item.path, isDirectory: item.isDirectory === true };
      case "excludedFileExtension":
        return { kind: "extension", extension: item.extension };
      case "excludedFileName":
        return { kind: "name", name: item.name };
    }
  });
  return [...list, { kind: "path", path: dataDir, isDirectory: true }];
}
