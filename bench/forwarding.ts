// Forwarding: how fast a backlog of queued events goes to a loopback OTLP
// sink, against posting the very same request bodies with bare fetch in
// the same run; and the agent's CPU while it forwards every second,
// against the same agent with sending off.
import { currentPolicy } from "../agent/current_policy.ts";
import { recordEvents } from "../agent/record_events.ts";
import { collectSystem } from "../collectors/collect_system.ts";
import { loadIdentity } from "../identity/identity.ts";
import { openStore } from "../store/open_store.ts";
import { outboxDepth } from "../store/outbox_queries.ts";
import { Uplink } from "../uplink/uplink.ts";
import type { Row } from "./_measure.ts";
import { agentIn, cpuOf, row, runAlone, sleep, stop } from "./_measure.ts";

const BACKLOG = Number(Deno.env.get("BENCH_FORWARD_EVENTS") ?? 20_000);
const SECONDS = Number(Deno.env.get("BENCH_AGENT_SECONDS") ?? 30);

/** A sink that keeps every request body it was sent and answers 200. */
function startSink(): { url: string; bodies: Uint8Array[]; close(): Promise<void> } {
  const bodies: Uint8Array[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    bodies.push(new Uint8Array(await request.arrayBuffer()));
    return new Response("{}", { headers: { "content-type": "application/json" } });
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    bodies,
    close: () => server.shutdown(),
  };
}

async function backlogRate(dir: string): Promise<{ vitrine: number; fetch: number }> {
  const sink = startSink();
  const managed = `${dir}/managed.json`;
  await Deno.writeTextFile(
    managed,
    JSON.stringify({
      cloudService: { enabled: true, serviceUri: sink.url, diagnosticLevel: "optional" },
    }),
  );
  const store = await openStore(`${dir}/vitrine.db`);
  try {
    const policy = await currentPolicy(store.db, managed);
    const identity = await loadIdentity(store.db, policy);
    const fields = collectSystem(["required", "optional"]);
    for (let done = 0; done < BACKLOG; done += 500) {
      const batch = Array.from({ length: Math.min(500, BACKLOG - done) }, (_, i) => ({
        type: "system_statistics" as const,
        fields,
        time: Date.now() - BACKLOG + done + i,
      }));
      await recordEvents(store.db, identity, policy, batch);
    }
    const uplink = new Uplink(store.db);
    await uplink.apply(policy);
    const started = performance.now();
    uplink.pump();
    while (true) {
      const depth = await outboxDepth(store.db);
      if (depth.required + depth.optional === 0) break;
      await sleep(5);
    }
    const vitrineSeconds = (performance.now() - started) / 1000;
    await uplink.flush(0);

    // The same bodies, posted one after another with bare fetch.
    const bodies = [...sink.bodies];
    const bare = performance.now();
    for (const body of bodies) {
      const response = await fetch(`${sink.url}/v1/logs`, {
        method: "POST",
        headers: { "content-type": "application/x-protobuf" },
        body: new Uint8Array(body),
      });
      await response.arrayBuffer();
    }
    const fetchSeconds = (performance.now() - bare) / 1000;
    return { vitrine: BACKLOG / vitrineSeconds, fetch: BACKLOG / fetchSeconds };
  } finally {
    await store.close();
    await sink.close();
  }
}

async function agentCpu(
  dir: string,
  sending: string | null,
  encoding = "protobuf",
): Promise<number> {
  const agent = await agentIn(dir, {
    cloudService: sending
      ? { enabled: true, serviceUri: sending, diagnosticLevel: "optional", encoding }
      : { enabled: false, diagnosticLevel: "optional" },
  }, ["--interval", "1"]);
  try {
    await sleep(5000);
    const before = cpuOf(agent.pid);
    await sleep(SECONDS * 1000);
    return (cpuOf(agent.pid) - before) / SECONDS;
  } finally {
    await stop(agent);
  }
}

/** Runs the benchmark in `dir` and returns its rows. */
export async function forwardingBench(dir: string): Promise<Row[]> {
  await Deno.mkdir(`${dir}/forwarding`, { recursive: true });
  const rate = await backlogRate(`${dir}/forwarding`);
  console.log(`backlog: ${rate.vitrine.toFixed(0)} records/s, bare fetch ${rate.fetch.toFixed(0)}`);
  const sink = startSink();
  let forwarding: number;
  let json: number;
  let silent: number;
  try {
    forwarding = await agentCpu(`${dir}/cpu-sending`, sink.url);
    json = await agentCpu(`${dir}/cpu-json`, sink.url, "json");
    silent = await agentCpu(`${dir}/cpu-silent`, null);
  } finally {
    await sink.close();
  }
  return [
    row({
      measure:
        `forwarding a backlog of ${BACKLOG} optional system_statistics events to a loopback OTLP sink`,
      vitrine: `${rate.vitrine.toFixed(0)} records/s`,
      baseline: `bare fetch of the same bodies: ${rate.fetch.toFixed(0)} records/s`,
      ratio: `${(rate.vitrine / rate.fetch).toFixed(2)}x`,
      target: "none set (recorded)",
      met: null,
    }),
    ...([["protobuf", forwarding], ["json", json]] as const).map(([encoding, cpu]) =>
      row({
        measure:
          `agent CPU, optional level every 1 s, forwarding every event (${encoding}), ${SECONDS} s`,
        vitrine: `${(cpu * 1000).toFixed(2)} ms/s`,
        baseline: `same agent, sending off: ${(silent * 1000).toFixed(2)} ms/s`,
        ratio: `${(cpu / silent).toFixed(2)}x`,
        target: "none set (recorded)",
        met: null,
      })
    ),
  ];
}

if (import.meta.main) await runAlone(forwardingBench);
