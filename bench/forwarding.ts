// Forwarding: how fast a backlog of queued events goes to a loopback OTLP
// sink, in each encoding, against posting the very same request bodies
// with bare fetch in the same run. (The agent's CPU while it sends is in
// agent_footprint.ts.)
import { currentPolicy } from "../policy/current_policy.ts";
import { recordEvents } from "../record/record_events.ts";
import { collectSystem } from "../collectors/collect_system.ts";
import { loadIdentity } from "../identity/identity.ts";
import { openStore } from "../store/open_store.ts";
import { outboxDepth } from "../store/outbox_queries.ts";
import { Uplink } from "../uplink/uplink.ts";
import type { Row } from "./_measure.ts";
import { asAgentRuns, benchSetting, row, runAlone, sleep } from "./_measure.ts";

const BACKLOG = benchSetting("BENCH_FORWARD_EVENTS", 20_000);

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

async function backlogRate(
  dir: string,
  encoding: "protobuf" | "json",
): Promise<{ vitrine: number; fetch: number }> {
  const sink = startSink();
  const managed = `${dir}/managed.json`;
  const cloudService = {
    enabled: true,
    serviceUri: sink.url,
    diagnosticLevel: "optional",
    encoding,
  };
  await Deno.writeTextFile(managed, JSON.stringify({ cloudService }));
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
    const uplink = new Uplink(store.db, () => policy);
    await uplink.apply(null);
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
        headers: {
          "content-type": encoding === "json" ? "application/json" : "application/x-protobuf",
        },
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

/** The backlog's rates, measured in a process that runs as the agent does (no JIT). */
async function measuredAsAgentRuns(
  dir: string,
  encoding: "protobuf" | "json",
): Promise<{ vitrine: number; fetch: number }> {
  const { env, args } = asAgentRuns(new URL(import.meta.url).pathname, [
    "--measure",
    dir,
    encoding,
  ]);
  const output = await new Deno.Command(Deno.execPath(), { args, env, stderr: "inherit" }).output();
  if (!output.success) throw new Error(`the forwarding measurement failed (exit ${output.code})`);
  return JSON.parse(new TextDecoder().decode(output.stdout).trim().split("\n").at(-1)!);
}

/** Runs the benchmark in `dir` and returns its rows. */
export async function forwardingBench(dir: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const encoding of ["protobuf", "json"] as const) {
    await Deno.mkdir(`${dir}/forwarding-${encoding}`, { recursive: true });
    const rate = await measuredAsAgentRuns(`${dir}/forwarding-${encoding}`, encoding);
    rows.push(row({
      measure:
        `forwarding a backlog of ${BACKLOG} optional system_statistics events to a loopback OTLP sink (${encoding})`,
      vitrine: `${rate.vitrine.toFixed(0)} records/s`,
      baseline: `bare fetch of the same bodies: ${rate.fetch.toFixed(0)} records/s`,
      ratio: `${(rate.vitrine / rate.fetch).toFixed(2)}x`,
      target: encoding === "protobuf" ? "≥ 0.3x" : "none set (recorded)",
      met: encoding === "protobuf" ? rate.vitrine / rate.fetch >= 0.3 : null,
    }));
  }
  return rows;
}

if (import.meta.main) {
  if (Deno.args[0] === "--measure") {
    const rate = await backlogRate(Deno.args[1]!, Deno.args[2] === "json" ? "json" : "protobuf");
    console.log(JSON.stringify(rate));
  } else await runAlone(forwardingBench);
}
