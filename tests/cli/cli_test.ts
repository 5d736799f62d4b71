import { deepEqual, equal, match, ok } from "node:assert/strict";
import { runCli, tempDir } from "../_helpers.ts";

Deno.test("an unknown command or flag exits 2 with a message saying what to do", async () => {
  const unknown = await runCli(["frobnicate"]);
  equal(unknown.code, 2);
  match(unknown.stderr, /unknown command "frobnicate"/);
  const flag = await runCli(["events", "--colour", "red"]);
  equal(flag.code, 2);
  match(flag.stderr, /vitrine events: .*--colour.*vitrine events --help/s);
  const tier = await runCli(["events", "--tier", "secret", "--data-dir", "/nonexistent"]);
  equal(tier.code, 2);
  match(tier.stderr, /tier "secret" is not one of required, optional/);
  const port = await runCli(["run", "--port", "99999"]);
  equal(port.code, 2);
  match(port.stderr, /--port "99999"/);
  const interval = await runCli(["run", "--interval", "0"]);
  equal(interval.code, 2);
  const listen = await runCli(["run", "--listen", "dashboard.example.org"]);
  equal(listen.code, 2);
  match(listen.stderr, /--listen: "dashboard\.example\.org" is not an IP address: give an address/);
});

Deno.test("every command answers --help", async () => {
  for (const command of ["run", "catalog", "events", "export", "health", "config", "dashboard"]) {
    const result = await runCli([command, "--help"]);
    equal(result.code, 0, command);
    match(result.stdout, new RegExp(`vitrine ${command}`));
  }
  const top = await runCli(["--help"]);
  equal(top.code, 0);
  match(top.stdout, /Commands:/);
});

Deno.test("vitrine catalog prints the whole catalogue as JSON", async () => {
  const result = await runCli(["catalog"]);
  equal(result.code, 0);
  const catalog = JSON.parse(result.stdout);
  equal(catalog.common.length, 10);
  ok(catalog.events.length >= 10);
  const one = JSON.parse((await runCli(["catalog", "--type", "install"])).stdout);
  deepEqual(one.events.map((e: { type: string }) => e.type), ["install"]);
});

Deno.test("reading commands on a missing data directory explain how to start", async () => {
  await using dir = await tempDir();
  const result = await runCli(["health", "--data-dir", `${dir.path}/never`]);
  equal(result.code, 2);
  match(result.stderr, /No vitrine database .*deno task start/);
});

Deno.test("VITRINE_DATA_DIR chooses the data directory when no flag does", async () => {
  await using dir = await tempDir();
  const result = await runCli(["health"], { VITRINE_DATA_DIR: `${dir.path}/from-env` });
  match(result.stderr, new RegExp(`${dir.path}/from-env`));
});
