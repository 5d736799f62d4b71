// Fills a database with realistic events quickly, for benchmarks.
import { DatabaseSync } from "node:sqlite";
import { collectSystem } from "../collectors/collect_system.ts";
import { openStore } from "../store/open_store.ts";
import { loadIdentity } from "../identity/identity.ts";
import { combinePolicy } from "../policy/resolve_policy.ts";
import { canonicalJson } from "../store/canonical_json.ts";

/** Creates `path` with `count` system_statistics events (both tiers). */
export async function seedStore(path: string, count: number, progress = true): Promise<void> {
  const store = await openStore(path);
  const identity = await loadIdentity(
    store.db,
    combinePolicy("/nonexistent", { state: "absent", values: new Map(), problems: [] }, new Map()),
  );
  await store.close();
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF");
  db.prepare("INSERT OR IGNORE INTO common_set(id, fields) VALUES (1, ?)").run(
    canonicalJson(identity),
  );
  const sample = collectSystem(["required", "optional"]);
  const required: Record<string, unknown> = {};
  const optional: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sample)) {
    const isOptional = key === "filesystems" || /^(cpu_time|vmstat|meminfo|pressure)\./.test(key);
    (isOptional ? optional : required)[key] = value;
  }
  const insertEvent = db.prepare(
    "INSERT INTO event(id, type, time, common_id) VALUES (?, ?, ?, 1)",
  );
  const insertPart = db.prepare("INSERT INTO event_part(tier, event_id, fields) VALUES (?, ?, ?)");
  const insertText = (tier: string) =>
    db.prepare(`INSERT INTO event_text_${tier}(rowid, text) VALUES (?, ?)`);
  const textRequired = insertText("required");
  const optionalText = canonicalJson(optional);
  const start = Date.now() - count * 1000;
  const batch = 10_000;
  for (let first = 1; first <= count; first += batch) {
    db.exec("BEGIN");
    for (let id = first; id < Math.min(first + batch, count + 1); id++) {
      required.uptime = id;
      required["load.1m"] = (id % 400) / 100;
      insertEvent.run(id, "system_statistics", start + id * 1000);
      insertPart.run("required", id, canonicalJson(required));
      insertPart.run("optional", id, optionalText);
      textRequired.run(id, `uptime ${id} load ${required["load.1m"]} host${id % 97}`);
    }
    db.exec("COMMIT");
    if (progress) {
      Deno.stderr.writeSync(
        new TextEncoder().encode(`\rseeding ${Math.min(first + batch - 1, count)}/${count}`),
      );
    }
  }
  if (progress) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
}
