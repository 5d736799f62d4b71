/**
 * Which file events count: inside the watched paths and not excluded.
 *
 * @module
 */
import type { ExclusionSetting } from "../../policy/settings_spec.ts";
import type { Exclusion } from "./reader_protocol.ts";

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

/** Whether events need their full path to be filtered (not only their name). */
export function needsPaths(roots: readonly string[], exclusions: readonly Exclusion[]): boolean {
  return exclusions.some((e) => e.kind === "path") || roots.some((root) => root !== "/");
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
