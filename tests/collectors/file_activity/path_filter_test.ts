import { deepEqual, equal } from "node:assert/strict";
import {
  entriesOf,
  inScope,
  isExcluded,
  pathFilter,
  readerExclusions,
} from "../../../collectors/file_activity/path_filter.ts";
import type { Exclusion } from "../../../collectors/file_activity/path_filter.ts";

const EXCLUSIONS: Exclusion[] = [
  { kind: "name", name: "secret.txt" },
  { kind: "extension", extension: "log" },
  { kind: "extension", extension: ".tmp" },
  { kind: "path", path: "/srv/cache", isDirectory: true },
  { kind: "path", path: "/etc/shadow", isDirectory: false },
];

Deno.test("an exclusion matches by name, by extension with or without its dot, and by path", () => {
  equal(isExcluded("/home/a/secret.txt", "secret.txt", EXCLUSIONS), true);
  equal(isExcluded("/home/a/secret.txt.bak", "secret.txt.bak", EXCLUSIONS), false);
  equal(isExcluded("/var/x.log", "x.log", EXCLUSIONS), true);
  equal(isExcluded("/var/x.tmp", "x.tmp", EXCLUSIONS), true);
  equal(isExcluded("/var/xlog", "xlog", EXCLUSIONS), false);
  equal(isExcluded("/etc/shadow", "shadow", EXCLUSIONS), true);
  equal(isExcluded("/etc/shadow-", "shadow-", EXCLUSIONS), false, "a file exclusion is exact");
});

Deno.test("a directory exclusion covers what is below it, not its neighbours", () => {
  equal(isExcluded("/srv/cache", "cache", EXCLUSIONS), true);
  equal(isExcluded("/srv/cache/a/b", "b", EXCLUSIONS), true);
  equal(isExcluded("/srv/cache2/a", "a", EXCLUSIONS), false);
  equal(isExcluded("/srv", "srv", EXCLUSIONS), false);
  const trailing: Exclusion[] = [{ kind: "path", path: "/srv/cache/", isDirectory: true }];
  equal(isExcluded("/srv/cache/x", "x", trailing), true);
});

Deno.test("scope is the watched roots and everything below them; / holds everything", () => {
  equal(inScope("/home/a/x", ["/home/a"]), true);
  equal(inScope("/home/a", ["/home/a"]), true);
  equal(inScope("/home/ab", ["/home/a"]), false);
  equal(inScope("/etc/x", ["/home/a", "/etc"]), true);
  equal(inScope("/anything", ["/"]), true);
  equal(inScope("/anything", []), false);
});

Deno.test("without a path only name and extension exclusions can refuse an event", () => {
  const accept = pathFilter(["/home"], EXCLUSIONS);
  equal(accept(null, "secret.txt"), false);
  equal(accept(null, "a.log"), false);
  equal(accept(null, "cache"), true, "a path exclusion cannot apply without the path");
  equal(accept("/home/u/a.txt", "a.txt"), true);
  equal(accept("/tmp/a.txt", "a.txt"), false, "out of scope");
});

Deno.test("a directory's entries are decided once: all, none, or by name only where a name matters", () => {
  equal(entriesOf("/home/u", ["/"], []), "all");
  equal(entriesOf("/home/u", ["/home"], []), "all");
  equal(entriesOf("/tmp", ["/home"], []), "none", "out of scope");
  equal(entriesOf("/", ["/home"], []), "by_name", "the root /home is an entry of /");
  equal(entriesOf("/srv/cache/a", ["/"], EXCLUSIONS), "none", "below an excluded directory");
  equal(entriesOf("/srv/cache", ["/"], EXCLUSIONS), "none", "the excluded directory itself");
  equal(
    entriesOf("/srv", ["/"], [{ kind: "path", path: "/srv/cache", isDirectory: true }]),
    "by_name",
  );
  equal(
    entriesOf("/etc", ["/"], [{ kind: "path", path: "/etc/shadow", isDirectory: false }]),
    "by_name",
  );
  equal(
    entriesOf("/var", ["/"], [{ kind: "path", path: "/etc/shadow", isDirectory: false }]),
    "all",
  );
  equal(entriesOf("/var", ["/"], [{ kind: "extension", extension: "log" }]), "by_name");
});

Deno.test("the exclusion setting becomes reader exclusions, with the data directory added", () => {
  deepEqual(
    readerExclusions([
      { $type: "excludedPath", path: "/a", isDirectory: true },
      { $type: "excludedPath", path: "/b" },
      { $type: "excludedFileExtension", extension: ".log" },
      { $type: "excludedFileName", name: "n" },
    ], "/var/lib/vitrine"),
    [
      { kind: "path", path: "/a", isDirectory: true },
      { kind: "path", path: "/b", isDirectory: false },
      { kind: "extension", extension: ".log" },
      { kind: "name", name: "n" },
      { kind: "path", path: "/var/lib/vitrine", isDirectory: true },
    ],
  );
});
