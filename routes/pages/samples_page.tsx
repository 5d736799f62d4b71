/**
 * Samples: the suspicious files ClamAV detected, what the sample-submission
 * level decided for each, and the held ones waiting for a person's
 * consent, with Approve and Decline.
 *
 * @module
 */
import type { VNode } from "preact";
import type { SampleReport, SampleView } from "../../samples/sample_view.ts";
import type { SampleState } from "../../store/schema.ts";
import type { UnconfirmedCause } from "../../samples/examine_sample.ts";
import { formatBytes, formatTime } from "./format.ts";
import { Layout } from "./layout.tsx";
import { Bars, Card, CodeCell, DataTable, DecisionForm, Facts, Meter } from "./widgets.tsx";

/** What the Samples page shows. */
export interface SamplesPageData {
  report: SampleReport;
  held: SampleView[];
  level: "none" | "safe" | "all";
  /** Where samples go, or why nowhere. */
  destination: { host: string } | { none: string };
  /** Bytes submitted in the last 24 hours, and the cap. */
  daily: { used: number; cap: number };
  expiryDays: number;
  /** Whether paths are shown (the optional level). */
  showsPaths: boolean;
}

const STATES: { state: SampleState; label: string; fill: "ok" | "warn" | "bad" }[] = [
  { state: "submitted", label: "Submitted", fill: "ok" },
  { state: "queued", label: "Queued to be submitted", fill: "ok" },
  { state: "approved", label: "Approved, to be submitted", fill: "ok" },
  { state: "held", label: "Held for consent", fill: "warn" },
  { state: "kept", label: "Kept on this machine", fill: "bad" },
  { state: "declined", label: "Declined", fill: "bad" },
  { state: "expired", label: "Expired", fill: "bad" },
  { state: "withdrawn", label: "Withdrawn (level none)", fill: "bad" },
  { state: "dropped", label: "Dropped (vitrine's copy changed or gone)", fill: "bad" },
  { state: "failed", label: "Failed after retries", fill: "bad" },
];

const UNCONFIRMED_WORDS: Record<UnconfirmedCause, string> = {
  relative_path: "a relative path",
  unsafe_path: "a link or dots along the path",
  not_read: "not a regular file, or gone",
  too_large: "larger than samples.maxSizeMB",
  changed: "changed since ClamAV logged it",
  clean: "ClamAV found nothing",
  other_signature: "ClamAV found another signature",
  clamav_unavailable: "ClamAV could not be asked",
};

const LEVEL_WORDS = {
  none: "none: no sample is submitted",
  safe:
    "safe: program code whose content shows no personal data is submitted; anything else waits for a person's consent",
  all: "all: every sample is submitted",
} as const;

function HeldSample({ sample, showsPaths }: { sample: SampleView; showsPaths: boolean }): VNode {
  const titleId = `sample-${sample.id}`;
  return (
    <article class="card held-sample" aria-labelledby={titleId}>
      <h3 id={titleId}>
        <code>{sample.signature}</code>
      </h3>
      <Facts
        rows={[
          ["Detected", formatTime(sample.detectedAt)],
          ["Type", sample.fileType ?? "unknown"],
          ["Size", formatBytes(sample.size)],
          ["Why it is held", sample.reason],
          ...(sample.findings
            ? [["Personal data found", sample.findings] as [string, string]]
            : []),
          ...(showsPaths && sample.path
            ? [["Path", <code key="path">{sample.path}</code>] as [string, VNode]]
            : []),
          ["SHA-256", <code key="sha256" class="hash">{sample.sha256 ?? "unknown"}</code>],
        ]}
      />
      <DecisionForm
        data={{ "data-sample": String(sample.id) }}
        label={`Decision on ${sample.signature}`}
        allow={["approve", "Approve submission"]}
        refuse={["decline", "Decline: keep it here"]}
      />
    </article>
  );
}

function SubmissionCard(props: SamplesPageData): VNode {
  return (
    <Card title="Submission">
      <Facts
        rows={[
          ["Level", LEVEL_WORDS[props.level]],
          [
            "Sample store",
            "host" in props.destination
              ? <code key="store">{props.destination.host}</code>
              : props.destination.none,
          ],
          ["Consent waits", `${props.expiryDays} days, then the sample is never submitted`],
        ]}
      />
      <Meter
        label="Submitted in the last 24 hours"
        used={props.daily.used}
        total={props.daily.cap}
        text={`${formatBytes(props.daily.used)} of ${formatBytes(props.daily.cap)}`}
      />
    </Card>
  );
}

function DoubtsCard({ doubts }: { doubts: SampleReport["doubts"] }): VNode {
  const unconfirmed = Object.entries(doubts.unconfirmed).map(([cause, n]): [string, string] => [
    `Not confirmed: ${UNCONFIRMED_WORDS[cause as UnconfirmedCause]}`,
    String(n),
  ]);
  return (
    <Card title="Claims not believed">
      <p class="muted">
        A log line is only a claim: anyone who names a file can make ClamAV write one. vitrine keeps
        a sample only when ClamAV finds the signature in the very bytes vitrine read.
      </p>
      <Facts rows={[["Lines no ClamAV writes", String(doubts.malformed)], ...unconfirmed]} />
    </Card>
  );
}

function HeldSamples(
  { held, showsPaths }: { held: SampleView[]; showsPaths: boolean },
): VNode {
  return (
    <>
      <h2 id="held-title">Waiting for your decision</h2>
      <p id="samples-status" role="status" class="status-line ok"></p>
      {held.length === 0
        ? <p class="muted">No sample waits for consent.</p>
        : (
          <div class="grid" aria-labelledby="held-title">
            {held.map((sample) => (
              <HeldSample key={sample.id} sample={sample} showsPaths={showsPaths} />
            ))}
          </div>
        )}
    </>
  );
}

function NoSample({ log }: { log: SampleReport["detectionLog"] }): VNode {
  return (
    <p class="muted">
      {log.present ? "ClamAV has flagged nothing since vitrine began reading its log." : (
        <>
          ClamAV's detection log <code>{log.path}</code>{" "}
          does not exist, so vitrine sees no detection: point samples.detectionLog at the log clamd
          (LogFile) or clamscan --log writes.
        </>
      )}
    </p>
  );
}

function RecentSamples({ report }: { report: SampleReport }): VNode {
  return (
    <DataTable
      empty={<NoSample log={report.detectionLog} />}
      headers={["Detected", "Signature", "Type", "Size", "State", "Why", "Decided by"]}
      caption="The latest samples and what became of each"
    >
      {report.samples.map((sample) => (
        <tr key={sample.id}>
          <td>{formatTime(sample.detectedAt)}</td>
          <CodeCell>{sample.signature}</CodeCell>
          <td>{sample.fileType ?? "unknown"}</td>
          <td>{formatBytes(sample.size)}</td>
          <td class={`sample-${sample.state}`}>{sample.state}</td>
          <td>
            {sample.lastError && sample.state !== "submitted"
              ? `${sample.reason} Last error: ${sample.lastError}`
              : sample.reason}
          </td>
          <td>{sample.decidedBy ?? ""}</td>
        </tr>
      ))}
    </DataTable>
  );
}

/** Renders the Samples page. */
export function SamplesPage(props: SamplesPageData): VNode {
  const { report, held } = props;
  const total = Object.values(report.counts).reduce((sum, n) => sum + (n ?? 0), 0);
  return (
    <Layout title="Samples" active="/samples" islands={["privacy_island"]}>
      <p class="muted">
        When ClamAV's log names a file, vitrine reads it once (through no symbolic link), has ClamAV
        confirm the signature in those very bytes, recognises their type from their content and
        decides under the sample-submission level whether they may go to the organisation's sample
        store, wait for a person's consent, or stay on this machine. Nothing goes anywhere else.
      </p>
      <div class="grid">
        <SubmissionCard {...props} />
        <DoubtsCard doubts={report.doubts} />
        <Card title={`Samples by state (${total} in all)`}>
          <Bars
            rows={STATES.map(({ state, label, fill }) => ({
              label,
              values: [{ tier: fill, value: report.counts[state] ?? 0 }],
            }))}
          />
        </Card>
      </div>
      <HeldSamples held={held} showsPaths={props.showsPaths} />
      <h2>Recent samples, newest first</h2>
      <RecentSamples report={report} />
    </Layout>
  );
}
