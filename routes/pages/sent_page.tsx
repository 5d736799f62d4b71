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
import { Bars, Card, CodeCell, DataTable } from "./widgets.tsx";

/** What the Sent page shows. */
export interface SentPageData {
  report: SentReport;
}

/** What became of a delivery, from its status. */
function outcome(status: string): "delivered" | "retried" | "refused" {
  const code = Number(status);
  if (code >= 200 && code < 300) return "delivered";
  if (!Number.isInteger(code) || code === 408 || code === 429 || code >= 500 || code < 400) {
    return "retried";
  }
  return "refused";
}

const OUTCOMES = {
  delivered: { label: "Delivered (2xx)", fill: "ok" },
  retried: { label: "Tried again later (no answer, 408, 429, 5xx)", fill: "warn" },
  refused: { label: "Refused for good (other 4xx)", fill: "bad" },
} as const;

function Deliveries({ report }: SentPageData): VNode {
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

function Submissions({ report }: SentPageData): VNode {
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
export function SentPage({ report }: SentPageData): VNode {
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
      </div>
      <Deliveries report={report} />
      <Submissions report={report} />
    </Layout>
  );
}
