/**
 * The overview: identity, policy, counts, latest statistics, health.
 *
 * @module
 */
import type { VNode } from "preact";
import type { Health } from "../../agent/health.ts";
import type { Identity } from "../../identity/identity.ts";
import type { SettingKey } from "../../policy/settings_spec.ts";
import type { StoredEvent } from "../../store/event_queries.ts";
import { formatBytes, formatCount, formatDuration, formatTime } from "./format.ts";
import { Layout } from "./layout.tsx";
import { rangeWords } from "../../catalog/charts.ts";
import type { WatchdogStatus } from "../../agent/resource_watchdog.ts";
import { ChartFigure } from "./chart_figure.tsx";
import { UplinkFacts } from "./uplink_facts.tsx";
import { Bars, Card, DataTable, Facts, LockIcon, Meter, TierBadge } from "./widgets.tsx";

/** What the overview shows. */
export interface OverviewData {
  identity: Identity;
  health: Health;
  byType: Record<string, { required?: number; optional?: number }>;
  latestSystem: StoredEvent | undefined;
  latestKernel: StoredEvent | undefined;
  /** The range of the records chart: what data there is, at most a day. */
  range: string;
}

const PRIVACY_KEYS: readonly SettingKey[] = [
  "cloudService.diagnosticLevel",
  "cloudService.automaticSampleSubmissionConsent",
  "cloudService.enabled",
  "antivirusEngine.enableRealTimeProtection",
  "orgId",
  "releaseRing",
];

/** The watchdog in words: within budget, or what it sheds and why. */
function watchdogWords(watchdog: WatchdogStatus | undefined): string {
  if (!watchdog) return "—";
  const { budget, stage, lastStep } = watchdog;
  const limits = `budgets ${budget.maxCpuPercent} % of a core, ${budget.maxRssMB} MiB`;
  if (stage === "none") return `within its ${limits}`;
  return `over its ${lastStep?.budget ?? ""} budget: ${stage.replaceAll("_", " ")} (${limits})`;
}

function StoredDataCard({ health }: { health: Health }): VNode {
  const { counts, database } = health;
  return (
    <Card title="Stored data">
      <div class="big-numbers">
        <div>
          <span class="big">{formatCount(counts.required)}</span>
          <TierBadge tier="required" /> records
        </div>
        <div>
          <span class="big">{formatCount(counts.optional)}</span>
          <TierBadge tier="optional" /> records
        </div>
      </div>
      <Meter
        label="Database size limit"
        used={database.usedBytes}
        total={database.limitBytes}
        text={`${formatBytes(database.usedBytes)} of ${formatBytes(database.limitBytes)}`}
      />
      <p class="muted">
        {formatBytes(database.bytes)} on disk in <code>{health.dataDir}</code>.{" "}
        {database.evictions.lastAt === null
          ? "Nothing was ever evicted to stay within the limit."
          : `Evicted to stay within the limit: ${
            formatCount(database.evictions.optional)
          } optional and ${formatCount(database.evictions.required)} required records, last on ${
            formatTime(database.evictions.lastAt)
          }.`}
      </p>
    </Card>
  );
}

function MachineCard({ latest }: { latest: StoredEvent | undefined }): VNode {
  if (!latest) {
    return (
      <Card title="This machine now">
        <p class="muted">
          No system statistics yet: the first collection runs when the agent starts.
        </p>
      </Card>
    );
  }
  const sys = { ...latest.parts.required, ...latest.parts.optional } as Record<
    string,
    number | string | null
  >;
  const num = (key: string) => (typeof sys[key] === "number" ? sys[key] as number : null);
  const memTotal = num("memory.total");
  const memAvail = num("memory.available") ?? num("memory.free");
  const rootTotal = num("root_fs.total");
  const rootFree = num("root_fs.free");
  return (
    <Card title="This machine now">
      {memTotal !== null && memAvail !== null && (
        <Meter
          label="Memory in use"
          used={memTotal - memAvail}
          total={memTotal}
          text={`${formatBytes(memTotal - memAvail)} of ${formatBytes(memTotal)}`}
        />
      )}
      {rootTotal !== null && rootFree !== null && (
        <Meter
          label="Disk / in use"
          used={rootTotal - rootFree}
          total={rootTotal}
          text={`${formatBytes(rootTotal - rootFree)} of ${formatBytes(rootTotal)}, ${
            formatBytes(num("root_fs.available"))
          } available`}
        />
      )}
      <Facts
        rows={[
          [
            "Load (1, 5, 15 min)",
            [num("load.1m"), num("load.5m"), num("load.15m")].map((l) => l?.toFixed(2) ?? "—")
              .join(" · "),
          ],
          ["Uptime", formatDuration(num("uptime"))],
          ["Processes", formatCount(num("processes"))],
          ["CPUs online", formatCount(num("cpu.online"))],
          [
            "Kernel",
            `${sys["kernel.sysname"] ?? ""} ${sys["kernel.release"] ?? ""} (${
              sys["kernel.machine"] ?? ""
            })`,
          ],
          ["Measured", formatTime(latest.time)],
        ]}
      />
    </Card>
  );
}

/** How file activity is counted, in words. */
function sensorWords(sensor: unknown): string {
  switch (sensor) {
    case "ebpf":
      return "eBPF: counted inside the kernel";
    case "fanotify":
      return "fanotify: read from the kernel's queue";
    case "inotify":
      return "inotify: watched folders only";
    case undefined:
    case null:
      return "—";
    default:
      return String(sensor);
  }
}
function AgentCard(
  { health, latestKernel }: { health: Health; latestKernel: StoredEvent | undefined },
): VNode {
  const agent = health.agent;
  const kernel: Record<string, unknown> = {
    ...latestKernel?.parts.required,
    ...latestKernel?.parts.optional,
  };
  const subsystem = kernel.subsystem ?? agent?.subsystem.subsystem;
  return (
    <Card title="Agent health">
      <Facts
        rows={[
          ["Agent", agent?.running ? `running (pid ${agent.pid})` : "not running"],
          ["File-activity sensor", sensorWords(subsystem)],
          [
            "Own CPU",
            agent?.cpuShare === null || agent?.cpuShare === undefined
              ? "—"
              : `${(agent.cpuShare * 100).toFixed(2)} % of one core`,
          ],
          ["Own memory (RSS)", formatBytes(agent?.rssBytes)],
          ["Resource watchdog", watchdogWords(agent?.watchdog)],
          ["Version", health.version],
        ]}
      />
      {(agent?.subsystem.notes ?? []).map((note) => <p key={note} class="muted">{note}</p>)}
      {agent && (
        <DataTable
          headers={["Collector", "Every", "Last run", "State"]}
          compact
          caption="Collectors"
        >
          {agent.collectors.map((c) => (
            <tr>
              <td>{c.name}</td>
              <td>{formatDuration(c.intervalMs / 1000)}</td>
              <td>{formatTime(c.lastRunAt)}</td>
              <td>{c.lastError ? <span class="bad">failing</span> : <span class="ok">ok</span>}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}

function PolicyCard({ health }: { health: Health }): VNode {
  const settings = new Map(health.policy.settings.map((s) => [s.key, s]));
  return (
    <Card title="Privacy policy in effect">
      <Facts
        rows={PRIVACY_KEYS.map((key) => {
          const s = settings.get(key);
          return [
            key,
            (
              <>
                <code>{JSON.stringify(s?.value)}</code>{" "}
                <span class={`source source-${s?.source}`}>
                  {s?.source === "managed"
                    ? (
                      <>
                        <LockIcon /> managed
                      </>
                    )
                    : s?.source}
                </span>
              </>
            ),
          ];
        })}
      />
      <p class="muted">
        Managed file <code>{health.policy.managedFile}</code>: {health.policy.managedState}.{" "}
        <a href="/privacy">Change settings</a>
      </p>
    </Card>
  );
}

function TypesCard({ byType }: { byType: OverviewData["byType"] }): VNode {
  return (
    <Card title="Events stored, by type" wide>
      <Bars
        rows={Object.entries(byType).sort(([a], [b]) => a.localeCompare(b)).map((
          [type, tiers],
        ) => ({
          label: type,
          values: [
            { tier: "required", value: tiers.required ?? 0 },
            { tier: "optional", value: tiers.optional ?? 0 },
          ],
        }))}
      />
      <p class="legend">
        <span class="swatch fill-required"></span> required{" "}
        <span class="swatch fill-optional"></span> optional
      </p>
    </Card>
  );
}

/** Renders the overview page. */
export function OverviewPage(
  { identity, health, byType, latestSystem, latestKernel, range }: OverviewData,
): VNode {
  return (
    <Layout title="Overview" active="/" islands={["charts_island"]}>
      {health.problems.length > 0 && (
        <div class="alert" role="alert">
          <strong>
            {health.problems.length === 1 ? "1 problem" : `${health.problems.length} problems`}
          </strong>
          <ul>{health.problems.map((p) => <li key={p}>{p}</li>)}</ul>
        </div>
      )}
      <div class="grid">
        <StoredDataCard health={health} />
        <Card title="Sending">
          <UplinkFacts uplink={health.uplink} />
          <p class="muted">
            <a href="/sent">Every delivery</a>
          </p>
        </Card>
        <MachineCard latest={latestSystem} />
        <AgentCard health={health} latestKernel={latestKernel} />
        <Card title="Device identity (common fields)">
          <Facts
            rows={Object.entries(identity).map(([k, v]) => [
              k,
              <code key={k}>
                {v === null ? "null" : Array.isArray(v) ? v.join(", ") : String(v)}
              </code>,
            ])}
          />
        </Card>
        <PolicyCard health={health} />
        <Card title={`Records stored over the last ${rangeWords(range)}, by tier`} wide>
          <ChartFigure metric="events" title="Records stored, by tier" range={range} fit />
        </Card>
        <TypesCard byType={byType} />
      </div>
    </Layout>
  );
}
