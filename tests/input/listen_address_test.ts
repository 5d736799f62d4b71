import { deepEqual, equal, match, ok } from "node:assert/strict";
import { listenAddressProblem, parseListenAddress } from "../../input/listen_address.ts";
import { startAgent, stopAgent, vitrine } from "../../testing/shipped_agent.ts";
import { tempDir } from "../../testing/temp_dir.ts";

Deno.test("every loopback address, an interface's address and every interface are listen addresses", () => {
  for (
    const [text, loopback, everywhere, urlHost] of [
      ["127.0.0.1", true, false, "127.0.0.1"],
      ["127.0.0.2", true, false, "127.0.0.2"],
      ["localhost", true, false, "localhost"],
      ["::1", true, false, "[::1]"],
      ["192.0.2.10", false, false, "192.0.2.10"],
      ["0.0.0.0", false, true, "127.0.0.1"],
      ["::", false, true, "[::1]"],
    ] as const
  ) {
    deepEqual(parseListenAddress(text), { address: text, loopback, everywhere, urlHost }, text);
  }
});

Deno.test("what is not a listen address is refused with a reason and what to give instead", () => {
  for (const text of ["127.0.0.256", "example.org", "127.1", "", "[::1]"]) {
    equal(parseListenAddress(text), null, text);
    match(listenAddressProblem(text)!, /is not an IP address: give an address of this machine/);
  }
});

Deno.test("as shipped, the agent listens on 127.0.0.2 and vitrine dashboard names that address", async () => {
  await using dir = await tempDir();
  const managed = `${dir.path}/managed.json`;
  await Deno.writeTextFile(managed, JSON.stringify({ dashboard: { listen: "127.0.0.2" } }));
  const agent = await startAgent(`${dir.path}/data`, ["--managed-config", managed]);
  try {
    const printed = await vitrine(["dashboard", "--data-dir", `${dir.path}/data`]);
    equal(printed.code, 0, printed.stderr);
    match(printed.stdout, new RegExp(`^http://127\\.0\\.0\\.2:${agent.port}/\\?token=`));
    const page = await fetch(`http://127.0.0.2:${agent.port}/`);
    equal(page.status, 200);
    await page.body?.cancel();
    const health = await vitrine([
      "health",
      "--data-dir",
      `${dir.path}/data`,
      "--managed-config",
      managed,
    ]);
    equal(health.code, 0, health.stderr);
    ok(
      !(JSON.parse(health.stdout).problems as string[]).some((p) => /managed/i.test(p)),
      "the managed file is valid",
    );
  } finally {
    equal(await stopAgent(agent), 0, agent.output());
  }
});
