// Which sensor the agent as shipped counts with: eBPF where it loads, the
// next one where it does not (named in health, on /metrics and in each
// kernel_statistics event), and the one a setting or --prefer pins.
import { equal, match, ok } from "node:assert/strict";
import {
  endChild,
  readUntil,
  runCli,
  shippedAgentCommand,
  tempDir,
  waitFor,
  writeManaged,
} from "../../_helpers.ts";
import { requires } from "../../../testing/requires.ts";

interface Seen {
  sensor: string;
  notes: string[];
  metric: string;
  eventSubsystem: unknown;
}

/** Starts the agent (behind `wrapper`, if any) and reads which sensor it uses, three ways. */
async function sensorOf(
  settings: Record<string, unknown>,
  args: string[] = [],
  wrapper: string[] = [],
): Promise<Seen> {
  await using dir = await tempDir();
  const managed = await writeManaged(dir.path, {
    cloudService: { diagnosticLevel: "optional" },
    ...settings,
  });
  const data = `${dir.path}/data`;
  const started = shippedAgentCommand([
    ...["--data-dir", data, "--port", "0", "--managed-config", managed, "--interval", "5"],
    ...args,
  ]);
  const command = [...wrapper, ...started.command];
  const agent = new Deno.Command(command[0]!, {
    args: command.slice(1),
    env: { NO_COLOR: "1", ...started.env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const said = await readUntil(agent.stderr, "Dashboard:");
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(said)![1]);
    const kernelEvents = async () =>
      JSON.parse(
        (await runCli([
          "events",
          "--data-dir",
          data,
          "--type",
          "kernel_statistics",
          "--limit",
          "1",
        ]))
          .stdout,
      );
    await waitFor("a kernel_statistics event", async () => (await kernelEvents()).length > 0);
    const listed = await kernelEvents();
    const subsystem = JSON.parse((await runCli(["health", "--data-dir", data])).stdout).agent
      .subsystem;
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return {
      sensor: subsystem.subsystem,
      notes: subsystem.notes,
      metric: /^vitrine_file_activity_sensor_info\{sensor="(\w+)"\} 1$/m.exec(metrics)?.[1] ?? "",
      eventSubsystem: listed[0]?.parts?.required?.subsystem,
    };
  } finally {
    await endChild(agent);
  }
}

Deno.test({
  ...requires("ebpf"),
  name:
    "where eBPF loads the agent counts with it, and says so in health, on /metrics and in each event",
  fn: async () => {
    const seen = await sensorOf({});
    equal(seen.sensor, "ebpf", JSON.stringify(seen));
    equal(seen.metric, "ebpf");
    equal(seen.eventSubsystem, "ebpf");
  },
});

Deno.test({
  ...requires("root", "setpriv"),
  name:
    "without capabilities (an unprivileged service) eBPF and fanotify are refused, named, and inotify counts",
  fn: async () => {
    const seen = await sensorOf({}, [], [
      "setpriv",
      "--inh-caps=-all",
      "--ambient-caps=-all",
      "--bounding-set=-all",
      "--",
    ]);
    equal(seen.sensor, "inotify", JSON.stringify(seen));
    equal(seen.metric, "inotify");
    equal(seen.eventSubsystem, "inotify");
    match(seen.notes.join("\n"), /ebpf is not usable: .*EPERM/);
    match(seen.notes.join("\n"), /fanotify is not usable: .*EPERM/);
  },
});

Deno.test({
  ...requires("root"),
  name:
    "fileActivity.sensor pins a sensor, --prefer overrides it, and a narrower scope passes eBPF over",
  fn: async () => {
    equal((await sensorOf({ fileActivity: { sensor: "fanotify" } })).sensor, "fanotify");
    const preferred = await sensorOf({ fileActivity: { sensor: "fanotify" } }, [
      "--prefer",
      "inotify",
    ]);
    equal(preferred.sensor, "inotify");
    const scoped = await sensorOf({ fileActivity: { paths: ["/tmp"] } });
    equal(scoped.sensor, "fanotify", JSON.stringify(scoped));
    ok(
      scoped.notes.some((n) => /ebpf is passed over: .*fileActivity\.paths \["\/tmp"\]/.test(n)),
      JSON.stringify(scoped.notes),
    );
  },
});
