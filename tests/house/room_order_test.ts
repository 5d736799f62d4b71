// The house's one rule of direction: data flows one way, ffi → collectors →
// record → store → the boundaries that show, export and send, and a room
// imports only from rooms below it. agent/ wires them; routes/ and cli/
// serve them. Tests' shared fixtures live in testing/, never in tests/.
import { deepEqual } from "node:assert/strict";
import { ROOT } from "../../testing/run_cli.ts";

/** The rooms, lowest first: a room may import from the rooms before it. */
const ROOMS = [
  "ffi",
  "files",
  "catalog",
  "store",
  "input",
  "policy",
  "intelligence",
  "identity",
  "record",
  "collectors",
  "uplink",
  "export",
  "samples",
  "support",
  "agent",
  "routes",
  "islands",
  "cli",
  "packaging",
  "(root)",
] as const;

/** Not product rooms: the tests, their fixtures, the benchmarks, the soak, the lint rules. */
const OUTSIDE = ["tests", "testing", "bench", "soak", "lint", "static", "schema", "deploy"];

const SPEC = /(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g;

/** Every relative import between folders: "from-room -> to-room: file -> target". */
async function arrows(): Promise<{ from: string; to: string; file: string; target: string }[]> {
  const found: { from: string; to: string; file: string; target: string }[] = [];
  const roomOf = (path: string) => path.includes("/") ? path.split("/")[0]! : "(root)";
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(`${ROOT}${dir}`)) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory) {
        if (!entry.name.startsWith(".") && entry.name !== "node_modules") await walk(path);
      } else if (/\.(?:ts|tsx|mjs)$/.test(entry.name)) {
        const text = await Deno.readTextFile(`${ROOT}${path}`);
        for (const match of text.matchAll(SPEC)) {
          const target = new URL(match[1]!, `file://${ROOT}${path}`).pathname.slice(ROOT.length);
          // deno.json and other data files are read by anyone: only code has a room.
          if (roomOf(path) !== roomOf(target) && /\.(?:ts|tsx|mjs)$/.test(target)) {
            found.push({ from: roomOf(path), to: roomOf(target), file: path, target });
          }
        }
      }
    }
  };
  await walk("");
  return found;
}

Deno.test("no room imports from a room above it", async () => {
  const rank = (room: string) => (ROOMS as readonly string[]).indexOf(room);
  const upward = (await arrows())
    .filter((a) => !OUTSIDE.includes(a.from) && !OUTSIDE.includes(a.to))
    .filter((a) => rank(a.from) < 0 || rank(a.to) < 0 || rank(a.to) > rank(a.from))
    .map((a) => `${a.file} -> ${a.target}`);
  deepEqual(upward, []);
});

Deno.test("nothing but the tests imports from tests/: shared fixtures live in testing/", async () => {
  const intoTests = (await arrows())
    .filter((a) => a.to === "tests" && a.from !== "tests")
    .map((a) => `${a.file} -> ${a.target}`);
  deepEqual(intoTests, []);
});
