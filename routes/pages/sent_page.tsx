/**
 * What left this machine: the state of sending and every delivery.
 *
 * @module
 */
import type { VNode } from "preact";
import type { SentReport } from "../sent_report.ts";
import { formatBytes, formatCount, formatTime } from "./format.ts";
import { Layout } from "./layout.tsx";
import { UplinkFacts } from "./uplink_facts.tsx";
import { Bars, Card, CodeCell, DataTable, Facts } from "./widgets.tsx";
import { isRetryableStatus } from "../../uplink/is_retryable_status.ts";

/** What the Sent page shows. */
export interface SentPageData {
  report: SentReport;
  log: SentLogFacts;
}

/** The log of what left, as the Sent page shows it. */
export interface SentLogFacts {
  size: number;
  publicKey: string | null;
  /** The latest signed tree head, and the first (for a consistency proof between them). */
  latest: { size: number; root: string; at: number } | null;
  firstSize: number | null;
  /** The first leaf kept in full (older ones are summarised), and when that last moved. */
  retainedFrom: number;
  summarisedAt: number | null;
}

function SentLogCard({ log }: { log: SentLogFacts }): VNode {
  return (
    <Card title="The log of what left">
      <p class="muted">
        Each record a backend accepted is a leaf of an append-only Merkle tree (RFC 9162) whose head
        this machine signs in every heartbeat. Anyone holding a proof can check it with{" "}
        <code>deploy/audit/check_log_proof.py</code>.
      </p>
      <Facts
        rows={[
          ["Records in the log", formatCount(log.size)],
          [
            "Latest signed head",
            log.latest
              ? (
                <>
                  {formatCount(log.latest.size)} records, root{" "}
                  <code>{log.latest.root.slice(0, 16)}…</code> on {formatTime(log.latest.at)}
                </>
              )
              : "none yet (the first heartbeat signs one)",
          ],
          [
            "Kept in full",
            log.retainedFrom === 0 ? "every leaf" : (
              <>
                leaves from {formatCount(log.retainedFrom)} on; the {formatCount(log.retainedFrom)}
                {" "}
                before them were summarised into subtree hashes once their events were removed
                {log.summarisedAt !== null ? ` (last on ${formatTime(log.summarisedAt)})` : ""}
              </>
            ),
          ],
          ["Signing key", log.publicKey ? <code key="key">{log.publicKey}</code> : "—"],
        ]}
      />
      <form method="get" action="/api/sent/proof" aria-label="Download the proof of an event">
        <label class="field">
          Event id
          <input type="text" name="event" inputMode="numeric" pattern="[0-9]+" required />
        </label>
        <button type="submit">Download its inclusion proof</button>
      </form>
      {log.latest && log.firstSize !== null && log.firstSize < log.latest.size && (
        <p>
          <a href={`/api/sent/consistency?first=${log.firstSize}&second=${log.latest.size}`}>
            Download the consistency proof from the first signed head to the latest
          </a>
        </p>
      )}
    </Card>
  );
}

/** What became of a delivery, from its status. */
function outcome(status: string): "delivered" | "retried" | "refused" {
  const code = Number(status);
  if (code >= 200 && code < 300) return "delivered";
  // No answer, or one OTLP says to try again; anything else is refused for good.
  if (!Number.isInteger(code) || isRetryableStatus(code)) return "retried";
  return "refused";
}

const OUTCOMES = {
  delivered: { label: "Delivered (2xx)", fill: "ok" },
  retried: { label: "Tried again later (no answer, 429, 502, 503, 504)", fill: "warn" },
  refused: { label: "Refused for good (other 4xx)", fill: "bad" },
} as const;

function Deliveries({ report }: { report: SentReport }): VNode {
  return (
    <>
      <h2>Deliveries, newest first</h2>
      <DataTable
        empty={<p class="muted">Nothing was ever sent from this data directory.</p>}
        headers={["Time", "Endpoint", "Records", "Bytes", "Status", "Attempt", "Note"]}
        caption="Every attempt to deliver a batch"
      >
        {report.deliveries.map((d) => (
          <tr key={d.id}>
            <td>{formatTime(d.at)}</td>
            <CodeCell>{d.endpoint}</CodeCell>
            <td>{formatCount(d.records)}</td>
            <td>{formatBytes(d.bytes)}</td>
            <td class={outcome(d.status) === "delivered" ? "ok" : "bad"}>{d.status}</td>
            <td>{d.attempts}</td>
            <td>
              {d.rejected > 0 ? `${d.rejected} records rejected by the receiver. ` : ""}
              {d.error ?? ""}
            </td>
          </tr>
        ))}
      </DataTable>
      {report.next !== null && (
        <p>
          <a href={`/sent?before=${report.next}`} rel="next">Older deliveries →</a>
        </p>
      )}
    </>
  );
}

function Submissions({ report }: { report: SentReport }): VNode {
  return (
    <>
      <h2>Sample submissions, newest first</h2>
      <DataTable
        empty={
          <p class="muted">
            No sample was ever sent to a sample store. <a href="/samples">See the samples</a>.
          </p>
        }
        headers={[
          "Detected",
          "Signature",
          "SHA-256",
          "Size",
          "Store",
          "Outcome",
          "Attempts",
          "Note",
        ]}
        caption="Every sample an attempt was made to submit"
      >
        {report.submissions.map((s) => (
          <tr key={s.id}>
            <td>{formatTime(s.detectedAt)}</td>
            <CodeCell>{s.signature}</CodeCell>
            <CodeCell hash>{s.sha256?.slice(0, 16)}…</CodeCell>
            <td>{formatBytes(s.size)}</td>
            <CodeCell>{s.destination ?? ""}</CodeCell>
            <td class={s.state === "submitted" ? "ok" : "bad"}>
              {s.state === "submitted" ? `submitted ${formatTime(s.submittedAt)}` : s.state}
            </td>
            <td>{s.attempts}</td>
            <td>{s.state === "submitted" ? "" : s.lastError ?? s.reason}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

/** Renders the Sent page. */
export function SentPage({ report, log }: SentPageData): VNode {
  const records = { delivered: 0, retried: 0, refused: 0 };
  for (const delivery of report.deliveries) records[outcome(delivery.status)] += delivery.records;
  return (
    <Layout title="Sent" active="/sent">
      <p class="muted">
        Events leave this machine only for the endpoint the policy names, over OTLP/HTTP, with the
        fields the level in effect allows when they are sent; samples only for the sample store it
        names. Every attempt is listed here.
      </p>
      <div class="grid">
        <Card title="Sending">
          <UplinkFacts uplink={report.uplink} />
        </Card>
        <Card title={`Records in the ${report.deliveries.length} deliveries below, by outcome`}>
          <Bars
            rows={(Object.keys(OUTCOMES) as (keyof typeof OUTCOMES)[]).map((key) => ({
              label: OUTCOMES[key].label,
              values: [{ tier: OUTCOMES[key].fill, value: records[key] }],
            }))}
          />
        </Card>
        <SentLogCard log={log} />
      </div>
      <Deliveries report={report} />
      <Submissions report={report} />
    </Layout>
  );
}
