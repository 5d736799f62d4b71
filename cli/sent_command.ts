/**
 * `vitrine sent`: what left this machine, as JSON.
 *
 * @module
 */
import { parseSentPage, sentReport } from "../routes/sent_report.ts";
import { openDataFromFlags } from "./open_data.ts";
import { commandFlags } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";
import { LogKey } from "../identity/log_key.ts";
import {
  listHeads,
  proveConsistency,
  proveInclusion,
  verifySent,
} from "../export/sent_log_proofs.ts";

/** Help text. */
export const SENT_HELP = `vitrine sent: print what left this machine, as JSON

Usage: vitrine sent [--limit N] [--before ID] [--data-dir DIR] [--managed-config FILE]
       vitrine sent verify --received FILE [FILE...]
       vitrine sent proof EVENT_ID
       vitrine sent consistency OLD_SIZE NEW_SIZE
       vitrine sent heads

Prints whether sending is on and where to, what waits in the outbox (per
tier), the last success and the last error, what receivers refused
(dead-lettered, rejected) and what went unsent because the outbox was full
or too old; then every delivery, newest first: time, endpoint host,
records, bytes, status and attempts.

  --limit N      at most N deliveries (1 to 1000, default 100)
  --before ID    deliveries older than delivery ID (the "next" of a page)

Every record of every batch a backend accepted is a leaf of an append-only
Merkle tree (RFC 9162), whose head the machine signs (Ed25519) in each
heartbeat. verify compares what a backend stored (OTLP/HTTP request bodies,
JSON or protobuf, one per file, as received) with that log: it names the
records the backend lacks, those it holds that never left this machine,
and those that were altered, and checks the latest signed head; exit 0
only when both sides agree. The log keeps a leaf as long as the machine
keeps its event; older leaves are summarised into subtree hashes (the tree
and its heads unchanged), so records of events gone from this machine can
be neither confirmed nor refuted: they are listed as unverifiable, and when
nothing else differs verify exits 3. proof prints the inclusion proof of an event,
consistency the proof that the log of NEW_SIZE extends that of OLD_SIZE
(sizes of signed heads, as heads lists them): JSON that
deploy/audit/check_log_proof.py checks with Python alone.`;

/** Prints the delivery log. */
export async function sentCommand(args: string[]): Promise<number> {
  const flags = commandFlags("sent", args, SENT_HELP, true);
  if (flags === null) return 0;
  const { values, positionals } = flags;
  if (positionals.length > 0) return await sentLogCommand(values, positionals);
  let page;
  try {
    page = parseSentPage({
      limit: values.limit,
      before: values.before,
    });
  } catch (error) {
    throw new UsageError(`vitrine sent: ${(error as Error).message}`);
  }
  const data = await openDataFromFlags(values);
  try {
    const report = await sentReport(
      data.store.db,
      data.policy,
      page,
      data.agent?.sendRetryAt ?? null,
    );
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await data.store.close();
  }
  return 0;
}

/** The log of what left: verify, proof, consistency, heads. */
async function sentLogCommand(
  values: Parameters<typeof openDataFromFlags>[0] & { received?: string },
  positionals: string[],
): Promise<number> {
  const [action, ...rest] = positionals;
  const number = (text: string | undefined, what: string) => {
    if (text === undefined || !/^\d{1,15}$/.test(text)) {
      throw new UsageError(
        `vitrine sent ${action}: ${what} must be a whole number, not "${text ?? ""}"`,
      );
    }
    return Number(text);
  };
  const files = action === "verify" ? [...(values.received ? [values.received] : []), ...rest] : [];
  if (action === "verify" && files.length === 0) {
    throw new UsageError(
      "vitrine sent verify: --received FILE is required (what the backend stored)",
    );
  }
  if (!["verify", "proof", "consistency", "heads"].includes(action ?? "")) {
    throw new UsageError(
      `vitrine sent: "${action}" is not verify, proof, consistency or heads`,
    );
  }
  const data = await openDataFromFlags(values);
  try {
    const key = await LogKey.load(data.dataDir);
    const db = data.store.db;
    if (action === "verify") {
      const report = await verifySent(db, key, files);
      console.log(JSON.stringify(report, null, 2));
      return report.ok ? (report.unverifiable.length > 0 ? 3 : 0) : 1;
    }
    const out = action === "proof"
      ? await proveInclusion(db, key, number(rest[0], "EVENT_ID"))
      : action === "consistency"
      ? await proveConsistency(db, key, number(rest[0], "OLD_SIZE"), number(rest[1], "NEW_SIZE"))
      : await listHeads(db, key);
    console.log(JSON.stringify(out, null, 2));
    return 0;
  } finally {
    await data.store.close();
  }
}
