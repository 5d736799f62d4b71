// What must hold after the soak, checked against the agent's database and
// what the receivers saw.
import { DatabaseSync } from "node:sqlite";
import { CATALOG } from "../catalog/catalog.ts";
import { eventSpec } from "../catalog/key_spec.ts";
import type { Received, ReceivedPut } from "../testing/otlp_receiver.ts";
import type { PolicyStep } from "./_policy_steps.ts";

/** One invariant's verdict. */
export interface Verdict {
  name: string;
  ok: boolean;
  detail: string;
}

/** What the soak saw while it ran, and how the agent ended. */
export interface SoakRecord {
  /** Whether a clamd confirms detections (without one, none is confirmed and none may leave). */
  confirming: boolean;
  dataDir: string;
  received: Received[];
  /** Samples the receiver got, as the sample store. */
  puts: ReceivedPut[];
  /** SHA-256 of each file as flagged, and of contents that replaced some after. */
  samples: { detected: Set<string>; replaced: Set<string>; lines: number };
  /** When each policy was written, and what it allowed. */
  policyLog: { at: number; step: PolicyStep }[];
  exports: { completed: number; verified: number; stopped: number; failures: string[] };
  health: { requests: number; slowest: number; failures: string[] };
  kills: number;
  drained: boolean;
  exitCode: number;
  idleRss: number;
  rssAfter: number;
}

/** A policy written this recently may not be in effect yet: no leak verdict then. */
const GRACE_MS = 2500;

/** Waits until the agent's outbox is empty; false when `ms` pass first. */
export async function waitForDrain(dataDir: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const db = new DatabaseSync(`${dataDir}/vitrine.db`, { readOnly: true });
    try {
      const row = db.prepare("SELECT coalesce(sum(n), 0) AS n FROM outbox_count").get() as {
        n: number;
      };
      if (Number(row.n) === 0) return true;
    } catch {
      // Busy for a moment.
    } finally {
      db.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}

/** The records that arrived while the policy in effect withheld their tier, or all sending. */
function leaksOf(record: SoakRecord): Received[] {
  const optionalFields = new Set(
    CATALOG.events.flatMap((event) =>
      event.fields.filter((field) => field.tier === "optional").map((field) =>
        `${event.type} ${field.name}`
      )
    ),
  );
  const isOptional = (eventName: string, key: string): boolean =>
    optionalFields.has(`${eventName} ${key}`) ||
    (eventSpec(eventName as never)?.fields.some((field) =>
      field.tier === "optional" && key.startsWith(`${field.name}.`)
    ) ?? false);
  const policyAt = (at: number): PolicyStep | null => {
    const last = record.policyLog.filter((entry) => entry.at <= at).at(-1)!;
    return at - last.at < GRACE_MS ? null : last.step;
  };
  return record.received.filter((received) => {
    const step = policyAt(received.at);
    if (step === null) return false;
    if (!step.sending) return true;
    if (step.optional) return false;
    return Object.keys(received.attributes).some((key) => isOptional(received.eventName, key));
  });
}

/** The samples that arrived while the policy in effect forbade submitting any. */
function sampleLeaksOf(record: SoakRecord): ReceivedPut[] {
  return record.puts.filter((put) => {
    const last = record.policyLog.filter((entry) => entry.at <= put.at).at(-1)!;
    return put.at - last.at >= GRACE_MS && !last.step.samples;
  });
}

/** Every invariant's verdict. */
export function checkInvariants(record: SoakRecord): Verdict[] {
  const db = new DatabaseSync(`${record.dataDir}/vitrine.db`, { readOnly: true });
  const scalar = (query: string) => Number((db.prepare(query).get() as { n: number }).n);
  const flow = {
    queued: scalar("SELECT n FROM outbox_flow WHERE kind = 'queued'"),
    delivered: scalar("SELECT n FROM outbox_flow WHERE kind = 'delivered'"),
    waiting: scalar("SELECT coalesce(sum(n), 0) AS n FROM outbox_count"),
    lost: scalar("SELECT coalesce(sum(n), 0) AS n FROM outbox_loss"),
  };
  const losses = db.prepare("SELECT reason, tier, n FROM outbox_loss").all();
  const sentIds = (db.prepare("SELECT DISTINCT event_id AS id FROM sent_part").all() as {
    id: number;
  }[]).map((row) => Number(row.id));
  const crashes = scalar("SELECT count(*) AS n FROM event WHERE type = 'crash'");
  const submitted = (db.prepare("SELECT sha256 FROM sample WHERE state = 'submitted'").all() as {
    sha256: string;
  }[]).map((row) => row.sha256);
  const sampleStates = db.prepare("SELECT state, count(*) AS n FROM sample GROUP BY state").all();
  db.close();
  const putShas = new Set(record.puts.map((put) => put.sha256));
  const foreign = record.puts.filter((put) =>
    put.path !== `/samples/${put.sha256}` || !record.samples.detected.has(put.sha256) ||
    record.samples.replaced.has(put.sha256)
  );
  const sampleLeaks = sampleLeaksOf(record);
  const unreceived = submitted.filter((sha) => !putShas.has(sha));
  const receivedIds = new Set(record.received.map((received) => received.eventId));
  const unseen = sentIds.filter((id) => !receivedIds.has(id));
  const leaks = leaksOf(record);
  const { exports, health } = record;
  const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
  return [
    {
      name: "every part queued is delivered, waiting, or counted as unsent",
      ok: flow.queued === flow.delivered + flow.waiting + flow.lost,
      detail:
        `queued ${flow.queued} = delivered ${flow.delivered} + waiting ${flow.waiting} + unsent ${flow.lost} (${
          JSON.stringify(losses)
        })`,
    },
    {
      name: "every part the agent says it delivered reached the receiver (at least once)",
      ok: unseen.length === 0 && sentIds.length > 0,
      detail: `${sentIds.length} events delivered, ${unseen.length} of them never received${
        unseen.length ? `: ${unseen.slice(0, 10).join(", ")}` : ""
      }`,
    },
    {
      name: "the outbox empties once the receiver accepts",
      ok: record.drained,
      detail: record.drained ? "empty" : `${flow.waiting} parts still waiting after 90 s`,
    },
    {
      name: "nothing above the policy left while the policy withheld it",
      ok: leaks.length === 0,
      detail:
        `${record.received.length} records received; ${leaks.length} arrived while their tier (or any sending) was withheld${
          leaks.length
            ? `: ${leaks.slice(0, 5).map((r) => `${r.eventName}#${r.eventId}`).join(", ")}`
            : ""
        }`,
    },
    {
      name: record.confirming
        ? "every sample the store got is a file as ClamAV flagged it, under its own SHA-256"
        : "no ClamAV can confirm a detection here, so no sample reached the store",
      ok: record.confirming
        ? foreign.length === 0 && record.puts.length > 0
        : record.puts.length === 0,
      detail:
        `${record.samples.lines} detections, ${record.puts.length} samples received, ${foreign.length} not as flagged (changed, or misnamed)${
          foreign.length ? `: ${foreign.slice(0, 3).map((p) => p.path).join(", ")}` : ""
        }; states ${JSON.stringify(sampleStates)}`,
    },
    {
      name: "no sample left while the policy forbade it, and every one recorded submitted arrived",
      ok: sampleLeaks.length === 0 && unreceived.length === 0,
      detail:
        `${sampleLeaks.length} arrived while submission was off; ${submitted.length} recorded submitted, ${unreceived.length} never received`,
    },
    {
      name: "every export verifies",
      ok: exports.failures.length === 0 && exports.completed > 0 &&
        exports.verified === exports.completed,
      detail:
        `${exports.completed} completed, ${exports.verified} verified, ${exports.stopped} stopped by a lowered level${
          exports.failures.length ? `; ${exports.failures.join(" | ")}` : ""
        }`,
    },
    {
      name: "nothing hung: every health request was answered",
      ok: health.failures.length === 0 && health.requests > 0,
      detail: `${health.requests} answered, slowest ${Math.round(health.slowest)} ms${
        health.failures.length ? `; ${health.failures.join(", ")}` : ""
      }`,
    },
    {
      name: "each kill -9 is recorded at the next start",
      ok: crashes >= record.kills,
      detail: `${record.kills} kills, ${crashes} crash records`,
    },
    {
      name: "the last stop flushed and exited 0",
      ok: record.exitCode === 0,
      detail: `exit code ${record.exitCode}`,
    },
    {
      name: "RSS back near idle (within 1.5x in 60 s)",
      ok: record.rssAfter <= 1.5 * record.idleRss,
      detail: `idle ${mib(record.idleRss)}, after the load ${mib(record.rssAfter)}`,
    },
  ];
}
