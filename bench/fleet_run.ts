// A fleet on one machine: AGENTS agents (own data directories and ports,
// default intervals, heartbeats every 5 s) send over mutual TLS to one
// receiver and are scraped by one real Prometheus (deploy/'s job) with the
// one provisioned read token; first at the required level, then at the
// optional one. Reports whether every stored event (heartbeats included)
// reached the receiver, whether every target is up, and the backend's cost
// per endpoint per day at each level.
import { DatabaseSync } from "node:sqlite";
import { makeCertificates, startTlsReceiver, TLS_PEER_NEEDS } from "../testing/tls_peer.ts";
import { missing as absent } from "../testing/requires.ts";
import { decodeProtobuf } from "../testing/otlp_receiver.ts";
import {
  agentCommand,
  benchSetting,
  freePort,
  ROOT,
  type Row,
  row,
  runAlone,
  sleep,
} from "./_measure.ts";

/** The fleet's size and how long each level runs; heartbeats far more often than the default. */
const [AGENTS, SECONDS, HEARTBEAT_SECONDS] = [
  benchSetting("BENCH_FLEET_AGENTS", 50),
  benchSetting("BENCH_FLEET_SECONDS", 120),
  5,
];

interface FleetAgent {
  dir: string;
  port: number;
  child: Deno.ChildProcess;
}

function managed(dir: string, certs: string, receiverPort: number, level: string): string {
  return JSON.stringify({
    cloudService: {
      enabled: true,
      serviceUri: `https://127.0.0.1:${receiverPort}`,
      diagnosticLevel: level,
      heartbeatInterval: HEARTBEAT_SECONDS,
      caFile: `${certs}/ca.pem`,
      clientCertificateFile: `${certs}/client.pem`,
      clientKeyFile: `${certs}/client.key`,
    },
    dashboard: { listen: "0.0.0.0", readTokenFile: `${certs}/fleet.token` },
    // File activity is measured elsewhere: here it would count the fleet's own writes.
    fileActivity: { paths: [`${dir}/quiet`] },
  });
}

async function startFleet(
  work: string,
  certs: string,
  receiverPort: number,
): Promise<FleetAgent[]> {
  const agents: FleetAgent[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const dir = `${work}/agent-${i}`;
    await Deno.mkdir(`${dir}/quiet`, { recursive: true });
    await Deno.writeTextFile(`${dir}/managed.json`, managed(dir, certs, receiverPort, "required"));
    const port = freePort();
    const { env, args } = agentCommand([
      "--data-dir",
      `${dir}/data`,
      "--port",
      String(port),
      "--managed-config",
      `${dir}/managed.json`,
    ]);
    const child = new Deno.Command(Deno.execPath(), { args, env, stdout: "null", stderr: "null" })
      .spawn();
    agents.push({ dir, port, child });
    // Started a little apart, as a fleet's machines would be.
    await sleep(300);
  }
  return agents;
}

/** Prometheus with deploy/'s job, scraping every 5 s, the fleet as file-discovered targets. */
async function startPrometheus(work: string, certs: string, agents: FleetAgent[]) {
  const dir = `${work}/prometheus`;
  await Deno.mkdir(`${dir}/targets`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/targets/fleet.json`,
    JSON.stringify([{ targets: agents.map((a) => `127.0.0.1:${a.port}`) }]),
  );
  await Deno.copyFile(`${ROOT}deploy/prometheus/vitrine_rules.yml`, `${dir}/vitrine_rules.yml`);
  const config = (await Deno.readTextFile(`${ROOT}deploy/prometheus/prometheus.yml`))
    .replace("/etc/prometheus/vitrine-read.token", `${certs}/fleet.token`)
    .replace("/etc/prometheus/vitrine-targets/*.json", `${dir}/targets/*.json`)
    .replaceAll("60s", "5s");
  await Deno.writeTextFile(`${dir}/prometheus.yml`, config);
  const web = freePort();
  const child = new Deno.Command("prometheus", {
    args: [
      `--config.file=${dir}/prometheus.yml`,
      `--storage.tsdb.path=${dir}/tsdb`,
      `--web.listen-address=127.0.0.1:${web}`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  return {
    child,
    async upCount(): Promise<number> {
      try {
        const response = await fetch(
          `http://127.0.0.1:${web}/api/v1/query?query=${
            encodeURIComponent('count(up{job="vitrine"} == 1)')
          }`,
        );
        const result = (await response.json()).data?.result ?? [];
        return result.length === 0 ? 0 : Number(result[0].value[1]);
      } catch {
        return 0;
      }
    },
  };
}

/**
 * What each agent stored: its sense_guid, the ids of its events (heartbeats
 * counted apart), and those still queued when it stopped (sent at its next start).
 */
function storedBy(
  agent: FleetAgent,
): { guid: string; ids: number[]; heartbeats: number; queued: Set<number> } {
  const db = new DatabaseSync(`${agent.dir}/data/vitrine.db`, { readOnly: true });
  try {
    const guid = (db.prepare("SELECT value FROM meta WHERE key = 'sense_guid'").get() as {
      value: string;
    }).value;
    const rows = db.prepare("SELECT id, type FROM event").all() as { id: number; type: string }[];
    const queued = db.prepare("SELECT DISTINCT event_id FROM outbox").all() as {
      event_id: number;
    }[];
    return {
      guid,
      ids: rows.map((r) => r.id),
      heartbeats: rows.filter((r) => r.type === "heartbeat").length,
      queued: new Set(queued.map((r) => r.event_id)),
    };
  } finally {
    db.close();
  }
}

/** Runs the fleet in `work` and returns its rows. */
export async function fleetRunBench(work: string): Promise<Row[]> {
  const measure =
    `fleet: ${AGENTS} agents on this machine, mutual TLS, heartbeats every ${HEARTBEAT_SECONDS} s, one receiver, one Prometheus with one token`;
  const missing = absent(...TLS_PEER_NEEDS, "prometheus");
  if (missing.length > 0) {
    return [
      row({
        measure,
        vitrine: "not measured",
        baseline: `${missing.join(", ")} missing`,
        ratio: "—",
        target: "—",
        met: null,
      }),
    ];
  }
  const certs = `${work}/fleet-certs`;
  await Deno.mkdir(certs, { recursive: true });
  await makeCertificates(certs);
  await Deno.writeTextFile(`${certs}/fleet.token`, `${crypto.randomUUID().replaceAll("-", "")}\n`);
  const receiver = await startTlsReceiver(certs, true);
  const agents = await startFleet(work, certs, receiver.port);
  const prometheus = await startPrometheus(work, certs, agents);
  const phases: { level: string; requests: number; bytes: number; seconds: number }[] = [];
  let up = 0;
  try {
    for (const level of ["required", "optional"]) {
      if (level !== "required") {
        for (const agent of agents) {
          await Deno.writeTextFile(
            `${agent.dir}/managed.json`,
            managed(agent.dir, certs, receiver.port, level),
          );
        }
        // Each agent reads its managed file within 2 s; count from then on.
        await sleep(5000);
      } else {
        // Wait for every agent's first delivery before counting.
        await sleep(15_000);
      }
      const before = receiver.requests();
      const started = performance.now();
      await sleep(SECONDS * 1000);
      const during = receiver.requests().slice(before.length);
      phases.push({
        level,
        requests: during.length,
        bytes: during.reduce((sum, line) => sum + Number(line.split(" ")[2]), 0),
        seconds: (performance.now() - started) / 1000,
      });
      up = Math.max(up, await prometheus.upCount());
    }
  } finally {
    prometheus.child.kill("SIGTERM");
    await prometheus.child.status;
    // A stop sends what waits (for up to 3 s) before the agent ends.
    for (const agent of agents) agent.child.kill("SIGTERM");
    for (const agent of agents) await agent.child.status;
    await receiver.stop();
  }
  // Every stored event, heartbeats included, against what the receiver decoded.
  const received = new Map<string, Set<number>>();
  for (const line of receiver.requests()) {
    const body = line.split(" ")[4];
    if (!body) continue;
    for (const record of decodeProtobuf(Uint8Array.from(atob(body), (c) => c.charCodeAt(0)))) {
      const guid = String(record.resource["sense_guid"]);
      if (!received.has(guid)) received.set(guid, new Set());
      received.get(guid)!.add(record.eventId);
    }
  }
  let stored = 0;
  let arrived = 0;
  let heartbeats = 0;
  let waiting = 0;
  for (const agent of agents) {
    const { guid, ids, heartbeats: beats, queued } = storedBy(agent);
    const got = received.get(guid) ?? new Set();
    stored += ids.length;
    arrived += ids.filter((id) => got.has(id)).length;
    waiting += ids.filter((id) => !got.has(id) && queued.has(id)).length;
    heartbeats += beats;
  }
  const perDay = (p: (typeof phases)[number]) => {
    const scale = 86_400 / p.seconds / AGENTS;
    return `${Math.round(p.requests * scale).toLocaleString("en-US")} requests, ${
      (p.bytes * scale / 1048576).toFixed(1)
    } MiB`;
  };
  return [
    row({
      measure,
      vitrine: `${arrived.toLocaleString("en-US")} of ${
        stored.toLocaleString("en-US")
      } stored events received, ${waiting} still queued at the stop (sent at the next start), ${
        stored - arrived - waiting
      } lost (${
        heartbeats.toLocaleString("en-US")
      } heartbeats among the stored); ${up} of ${AGENTS} targets up`,
      baseline: "every stored event received or still queued, every target up",
      ratio: `${(100 * arrived / Math.max(1, stored)).toFixed(2)} % received`,
      target: "none lost, all up",
      met: arrived + waiting === stored && up === AGENTS,
    }),
    ...phases.map((p) =>
      row({
        measure:
          `backend cost per endpoint per day at the ${p.level} level (default intervals, heartbeats every ${HEARTBEAT_SECONDS} s, protobuf), from ${
            Math.round(p.seconds)
          } s of ${AGENTS} agents`,
        vitrine: perDay(p),
        baseline: `${p.requests.toLocaleString("en-US")} requests, ${
          (p.bytes / 1048576).toFixed(1)
        } MiB in the run`,
        ratio: "—",
        target: "—",
        met: null,
      })
    ),
  ];
}

if (import.meta.main) await runAlone(fleetRunBench);
