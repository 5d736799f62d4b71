// The Prometheus configuration under deploy/: its alert rules pass their
// unit tests, the scrape job is valid, and a real Prometheus running it
// scrapes an agent that listens beyond loopback with the one read-only
// token an administrator provisions.
import { equal, ok } from "node:assert/strict";
import { endChild, readUntil, ROOT, spawnAgent, tempDir, waitFor } from "../_helpers.ts";
import { requires } from "../../testing/requires.ts";

const DEPLOY = `${ROOT}deploy/prometheus`;

async function promtool(args: string[], cwd = DEPLOY): Promise<string> {
  const out = await new Deno.Command("promtool", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const said = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  equal(out.code, 0, `promtool ${args.join(" ")}:\n${said}`);
  return said;
}

/** deploy/prometheus.yml with its machine paths pointed into `dir`, and quicker intervals. */
async function localConfig(dir: string, token: string, targets: string[]): Promise<string> {
  await Deno.mkdir(`${dir}/targets`);
  await Deno.writeTextFile(`${dir}/read.token`, token);
  await Deno.writeTextFile(
    `${dir}/targets/fleet.json`,
    JSON.stringify([{ targets, labels: { site: "test" } }]),
  );
  await Deno.copyFile(`${DEPLOY}/vitrine_rules.yml`, `${dir}/vitrine_rules.yml`);
  const config = (await Deno.readTextFile(`${DEPLOY}/prometheus.yml`))
    .replace("/etc/prometheus/vitrine-read.token", `${dir}/read.token`)
    .replace("/etc/prometheus/vitrine-targets/*.json", `${dir}/targets/*.json`)
    .replaceAll("60s", "1s");
  ok(config.includes(`${dir}/read.token`) && config.includes(`${dir}/targets`), config);
  await Deno.writeTextFile(`${dir}/prometheus.yml`, config);
  return `${dir}/prometheus.yml`;
}

Deno.test({
  name: "the fleet's alert rules pass their unit tests and the scrape job is valid",
  ...requires("promtool"),
  fn: async () => {
    await promtool(["check", "rules", "vitrine_rules.yml"]);
    await promtool(["test", "rules", "vitrine_rules_test.yml"]);
    await using dir = await tempDir();
    const config = await localConfig(dir.path, "t".repeat(40), ["127.0.0.1:1"]);
    await promtool(["check", "config", config], dir.path);
  },
});

Deno.test({
  name: "Prometheus with deploy/'s job scrapes an agent beyond loopback with the provisioned token",
  ...requires("promtool", "prometheus"),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    const token = crypto.randomUUID().replaceAll("-", "");
    const agentDir = `${dir.path}/agent`;
    await Deno.mkdir(agentDir);
    await Deno.writeTextFile(`${dir.path}/fleet.token`, `${token}\n`);
    await Deno.writeTextFile(
      `${agentDir}/managed.json`,
      JSON.stringify({
        dashboard: { listen: "0.0.0.0", readTokenFile: `${dir.path}/fleet.token` },
      }),
    );
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const agent = spawnAgent([
      "--data-dir",
      agentDir,
      "--port",
      String(port),
      "--managed-config",
      `${agentDir}/managed.json`,
    ]);
    let prometheus: Deno.ChildProcess | undefined;
    try {
      await readUntil(agent.stderr, "Dashboard:");
      const target = `127.0.0.1:${port}`;
      // The managed setting made it listen beyond loopback: reads need a token.
      equal(
        await fetch(`http://${target}/metrics`).then(async (r) => {
          await r.body?.cancel();
          return r.status;
        }),
        401,
      );
      await Deno.mkdir(`${dir.path}/prom`);
      const config = await localConfig(`${dir.path}/prom`, token, [target]);
      const web = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const webPort = (web.addr as Deno.NetAddr).port;
      web.close();
      prometheus = new Deno.Command("prometheus", {
        args: [
          `--config.file=${config}`,
          `--storage.tsdb.path=${dir.path}/tsdb`,
          `--web.listen-address=127.0.0.1:${webPort}`,
        ],
        stdout: "null",
        stderr: "null",
      }).spawn();
      const query = async (q: string) => {
        const response = await fetch(
          `http://127.0.0.1:${webPort}/api/v1/query?query=${encodeURIComponent(q)}`,
        );
        return (await response.json()).data?.result ?? [];
      };
      await waitFor("the agent up in Prometheus", async () => {
        try {
          const up = await query('up{job="vitrine"}');
          return up.length === 1 && up[0].value[1] === "1";
        } catch {
          return false;
        }
      }, 40_000).catch(async (error) => {
        const targets = await (await fetch(`http://127.0.0.1:${webPort}/api/v1/targets`)).json();
        throw new Error(`${error.message}: ${JSON.stringify(targets.data?.activeTargets)}`);
      });
      const info = await query("vitrine_build_info");
      equal(info.length, 1);
      equal(info[0].metric.site, "test", "labels from the file-based discovery");
      equal((await query("vitrine_managed_policy_invalid"))[0].value[1], "0");
      // The rules load and evaluate (nothing fires on a healthy agent).
      await waitFor("the rules loaded", async () => {
        const rules = await (await fetch(`http://127.0.0.1:${webPort}/api/v1/rules`)).json();
        return rules.data.groups.some((g: { name: string }) => g.name === "vitrine");
      }, 20_000);
      const alerts = await (await fetch(`http://127.0.0.1:${webPort}/api/v1/alerts`)).json();
      equal(alerts.data.alerts.length, 0, JSON.stringify(alerts.data.alerts));
    } finally {
      prometheus?.kill("SIGTERM");
      await prometheus?.status;
      await endChild(agent);
    }
  },
});
