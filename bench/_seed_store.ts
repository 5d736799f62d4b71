// Fills a database with realistic events quickly, for benchmarks: real
// collected statistics with changing values, stored exactly as the agent
// stores them, and now and then an event with words of its own to search.
// Beside it, the same records as plain JSON rows: what a database without
// vitrine's encoding would hold, for the baselines.
import { DatabaseSync } from "node:sqlite";
import { validateAndSplit } from "../catalog/validate_event.ts";
import { collectSystem } from "../collectors/collect_system.ts";
import { loadIdentity } from "../identity/identity.ts";
import { canonicalJson } from "../store/canonical_json.ts";
import { preferencePolicy } from "./_measure.ts";
import { openStore } from "../store/open_store.ts";
import { encodePart, searchText } from "../store/part_codec.ts";

/** Every this many events one carries a word found nowhere else. */
export const RARE_EVERY = 10_000;

/** The word of the `n`-th rare event. */
export function rareWord(n: number): string {
  return `rare${n.toString(36)}word`;
}

/**
 * Creates `path` with `count` events (both tiers) and `plainPath` with the
 * same records as JSON text.
 */
export async function seedStore(
  path: string,
  plainPath: string,
  count: number,
  progress = true,
): Promise<void> {
  const store = await openStore(path);
  const policy = preferencePolicy();
  const identity = await loadIdentity(store.db, policy);
  await store.close();
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF");
  const commonText = canonicalJson(identity);
  db.prepare("INSERT OR IGNORE INTO common_set(id, fields) VALUES (1, ?)").run(commonText);
  const plain = new DatabaseSync(plainPath);
  plain.exec(`PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
    CREATE TABLE IF NOT EXISTS plain_event (id INTEGER PRIMARY KEY, type TEXT, time INTEGER,
      common TEXT, required TEXT, optional TEXT)`);
  const sample = validateAndSplit("system_statistics", collectSystem(["required", "optional"]));
  const shapes = new Map<string, number>();
  const shapeOf = (tier: string, keys: string) => {
    const key = `${tier} ${keys}`;
    let id = shapes.get(key);
    if (id === undefined) {
      db.prepare("INSERT OR IGNORE INTO part_shape (tier, keys) VALUES (?, ?)").run(tier, keys);
      id = Number(
        (db.prepare("SELECT id FROM part_shape WHERE tier = ? AND keys = ?").get(tier, keys) as {
          id: number;
        }).id,
      );
      shapes.set(key, id);
    }
    return id;
  };
  const insertEvent = db.prepare(
    "INSERT INTO event(id, type, time, common_id) VALUES (?, ?, ?, 1)",
  );
  const insertPart = db.prepare(
    "INSERT INTO event_part(tier, event_id, shape_id, data) VALUES (?, ?, ?, ?)",
  );
  const insertText = {
    required: db.prepare("INSERT INTO event_text_required(rowid, text) VALUES (?, ?)"),
    optional: db.prepare("INSERT INTO event_text_optional(rowid, text) VALUES (?, ?)"),
  };
  const insertPlain = plain.prepare("INSERT INTO plain_event VALUES (?, ?, ?, ?, ?, ?)");
  const start = Date.now() - count * 1000;
  const batch = 10_000;
  for (let first = 1; first <= count; first += batch) {
    db.exec("BEGIN");
    plain.exec("BEGIN");
    for (let id = first; id < Math.min(first + batch, count + 1); id++) {
      const rare = id % RARE_EVERY === 0;
      const type = rare ? "install" : "system_statistics";
      const parts: Record<string, Record<string, unknown>> = rare
        ? {
          required: {
            code: "upgrade",
            correlation_id: crypto.randomUUID(),
            severity: "Informational",
            text: `upgrade ${rareWord(id / RARE_EVERY)}`,
            version: "0.1.0",
          },
        }
        : {
          required: {
            ...sample.required,
            uptime: id,
            "load.1m": (id % 400) / 100,
            "memory.free": 1_000_000_000 + (id * 4096) % 500_000_000,
            "agent.rss": 50_000_000 + (id * 512) % 9_000_000,
          },
          optional: {
            ...sample.optional,
            "vmstat.pgfault": id * 37,
            "vmstat.pgpgin": id * 3,
            "cpu_time.user": id * 0.21,
            "cpu_time.idle": id * 1.7,
          },
        };
      insertEvent.run(id, type, start + id * 1000);
      for (const [tier, fields] of Object.entries(parts)) {
        const encoded = encodePart(fields);
        insertPart.run(tier, id, shapeOf(tier, encoded.keys), encoded.values);
        const text = searchText(fields);
        if (text !== "") insertText[tier as "required" | "optional"].run(id, text);
      }
      insertPlain.run(
        id,
        type,
        start + id * 1000,
        commonText,
        canonicalJson(parts.required),
        parts.optional ? canonicalJson(parts.optional) : null,
      );
    }
    db.exec("COMMIT");
    plain.exec("COMMIT");
    if (progress) {
      Deno.stderr.writeSync(
        new TextEncoder().encode(`\rseeding ${Math.min(first + batch - 1, count)}/${count}`),
      );
    }
  }
  if (progress) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  plain.close();
}
