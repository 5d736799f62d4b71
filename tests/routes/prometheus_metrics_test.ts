import { deepEqual, equal, match, ok } from "node:assert/strict";
import { CATALOG } from "../../catalog/catalog.ts";
import { METRICS, samplesOf } from "../../routes/prometheus_metrics.ts";
import { appFixture, HOST } from "./_app_fixture.ts";
import { endChild, readUntil, spawnAgent, tempDir, waitFor } from "../_helpers.ts";
import { requires } from "../../testing/requires.ts";

const local = (path: string) => new Request(`http://${HOST}${path}`, { headers: { host: HOST } });

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("every measured catalogue field is one well-named metric", () => {
  const measured = CATALOG.events.flatMap((event) => event.fields.filter((f) => f.measure));
  equal(METRICS.length, measured.length);
  const names = METRICS.map((metric) => metric.name);
  equal(new Set(names).size, names.length, "metric names are unique");
  for (const metric of METRICS) {
    match(metric.name, /^vitrine_[a-z0-9_]+$/);
    if (metric.type === "counter") match(metric.name, /_total$/);
    else ok(!metric.name.endsWith("_total"), `${metric.name} is a gauge`);
  }
  ok(names.includes("vitrine_memory_total_bytes"));
  ok(names.includes("vitrine_cpu_time_user_seconds_total"));
  ok(names.includes("vitrine_file_activity_ipc_kauth_file_op_open_total"));
  ok(names.includes("vitrine_pressure_io_full_avg10_ratio"));
});

Deno.test("samples convert to base units and leave nulls out", () => {
  const byName = new Map(METRICS.map((metric) => [metric.name, metric]));
  deepEqual(
    samplesOf(byName.get("vitrine_pressure_cpu_some_avg10_ratio")!, {
      "pressure.cpu.some_avg10": 12.5,
    }),
    [{ labels: {}, value: 0.125 }],
  );
  deepEqual(
    samplesOf(byName.get("vitrine_file_activity_pkt_ack_conn_timeout_total")!, {
      pkt_ack_conn_timeout: null,
    }),
    [],
  );
  deepEqual(
    samplesOf(byName.get("vitrine_meminfo_bytes")!, { "meminfo.MemTotal": 1024, other: 5 }),
    [{ labels: { key: "MemTotal" }, value: 1024 }],
  );
  deepEqual(
    samplesOf(byName.get("vitrine_filesystems_free_bytes")!, {
      filesystems: [{ mount_point: "/", fs_type: "ext4", free: 7 }, {
        mount_point: "/x",
        fs_type: "xfs",
        free: null,
      }],
    }),
    [{ labels: { mount_point: "/", fs_type: "ext4" }, value: 7 }],
  );
});

Deno.test("GET /metrics serves only what the level allows", async () => {
  {
    await using fx = await appFixture("required");
    const response = await fx.app.request(local("/metrics"));
    equal(response.status, 200);
    match(response.headers.get("content-type") ?? "", /^text\/plain; version=0.0.4/);
    const text = await response.text();
    match(text, /^vitrine_memory_total_bytes \d+/m);
    match(text, /^vitrine_statistics_timestamp_seconds\{event="system_statistics"\} \d+/m);
    const optional = METRICS.filter((metric) => metric.tier === "optional").map((m) => m.name);
    for (const name of optional) ok(!text.includes(`\n${name}`), `${name} at required`);
  }
  await using fx = await appFixture("optional");
  const text = await (await fx.app.request(local("/metrics"))).text();
  match(text, /^vitrine_cpu_time_idle_seconds_total \d/m);
  // The agent's own state, for a fleet's alerts.
  match(text, /^vitrine_build_info\{version="\d+\.\d+\.\d+"\} 1$/m);
  match(text, /^vitrine_policy_info\{level="optional",managed_state="absent"\} 1$/m);
  match(text, /^vitrine_managed_policy_invalid 0$/m);
  match(text, /^vitrine_sending_enabled 0$/m);
  match(text, /^vitrine_outbox_parts\{tier="required"\} 0$/m);
  match(text, /^vitrine_unsent_parts_total\{tier="optional",reason="dropped"\} 0$/m);
  match(text, /^vitrine_storage_used_bytes \d+$/m);
  match(text, /^vitrine_storage_limit_bytes \d+$/m);
  match(text, /^vitrine_samples\{state="held"\} 0$/m);
  ok(!/^vitrine_last_delivery_timestamp_seconds/m.test(text), "no delivery: no time, never 0");
  match(text, /^vitrine_meminfo_bytes\{key="MemTotal"\} \d+/m);
  match(text, /# TYPE vitrine_cpu_time_idle_seconds_total counter/);
});

Deno.test({
  name: "promtool accepts /metrics, and a real Prometheus scrapes it and answers a query",
  ...requires("promtool", "prometheus"),
}, async () => {
  await using dir = await tempDir();
  const port = freePort();
  await Deno.writeTextFile(
    `${dir.path}/managed.json`,
    JSON.stringify({ cloudService: { diagnosticLevel: "optional" } }),
  );
  const agent = spawnAgent([
    "--data-dir",
    dir.path,
    "--port",
    String(port),
    "--managed-config",
    `${dir.path}/managed.json`,
    "--interval",
    "1",
  ]);
  let prometheus: Deno.ChildProcess | undefined;
  try {
    await readUntil(agent.stderr, "Dashboard:");
    const target = `127.0.0.1:${port}`;
    await waitFor("kernel statistics in /metrics", async () => {
      const text = await (await fetch(`http://${target}/metrics`)).text();
      return text.includes("vitrine_file_activity_ipc_connects_total") &&
        text.includes("vitrine_cpu_time_idle_seconds_total");
    }, 20_000);
    const text = await (await fetch(`http://${target}/metrics`)).text();
    const check = new Deno.Command("promtool", {
      args: ["check", "metrics"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = check.stdin.getWriter();
    await writer.write(new TextEncoder().encode(text));
    await writer.close();
    const checked = await check.output();
    const said = new TextDecoder().decode(checked.stderr) +
      new TextDecoder().decode(checked.stdout);
    equal(checked.code, 0, `promtool check metrics: ${said}`);
    equal(said.trim(), "", `promtool has remarks: ${said}`);

    const web = freePort();
    await Deno.writeTextFile(
      `${dir.path}/prometheus.yml`,
      [
        "global:",
        "  scrape_interval: 1s",
        "scrape_configs:",
        "  - job_name: vitrine",
        "    static_configs:",
        `      - targets: ["${target}"]`,
      ].join("\n"),
    );
    prometheus = new Deno.Command("prometheus", {
      args: [
        `--config.file=${dir.path}/prometheus.yml`,
        `--storage.tsdb.path=${dir.path}/tsdb`,
        `--web.listen-address=127.0.0.1:${web}`,
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    let answer: { data?: { result?: { value: [number, string] }[] } } = {};
    await waitFor("Prometheus to answer a query for a vitrine series", async () => {
      try {
        const response = await fetch(
          `http://127.0.0.1:${web}/api/v1/query?query=vitrine_memory_total_bytes`,
        );
        answer = await response.json();
        return (answer.data?.result?.length ?? 0) > 0;
      } catch {
        return false;
      }
    }, 40_000);
    const total = Number(answer.data!.result![0]!.value[1]);
    ok(total > 0, `vitrine_memory_total_bytes = ${total}`);
    // The running agent's own state is scraped too.
    const state = await (await fetch(
      `http://127.0.0.1:${web}/api/v1/query?query=vitrine_watchdog_stage`,
    )).json();
    equal(state.data.result.length, 1, JSON.stringify(state));
  } finally {
    prometheus?.kill("SIGTERM");
    await prometheus?.status;
    await endChild(agent);
  }
});
