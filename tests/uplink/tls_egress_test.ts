// Sending to a private backend over mutual TLS: certificates made here with
// openssl, a receiver (Node's https server) that requires a client
// certificate signed by its CA, and the agent sending to it under each
// setup an admin might get right or wrong.
import { equal, match, ok } from "node:assert/strict";
import type { Agent } from "../../agent/agent.ts";
import { buildHealth } from "../../agent/health.ts";
import { uplinkHealth } from "../../uplink/uplink_status.ts";
import { afterRuns, startTestAgent, tempDir, waitFor } from "../_helpers.ts";
import {
  makeCertificates,
  makeVersion1Certificate,
  startTlsReceiver,
  TLS_PEER_NEEDS,
} from "../../testing/tls_peer.ts";
import { requires } from "../../testing/requires.ts";

Deno.test({
  name:
    "mutual TLS: delivered with the right CA and certificate, and each wrong setup named precisely in health",
  ...requires(...TLS_PEER_NEEDS),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using dir = await tempDir();
    const certs = `${dir.path}/certs`;
    await Deno.mkdir(certs);
    await makeCertificates(certs);
    const receiver = await startTlsReceiver(certs);
    const managed = `${dir.path}/managed.json`;
    const write = (cloud: Record<string, unknown>) =>
      Deno.writeTextFile(
        managed,
        JSON.stringify({
          cloudService: {
            enabled: true,
            serviceUri: `https://127.0.0.1:${receiver.port}`,
            diagnosticLevel: "required",
            timeout: 3,
            ...cloud,
          },
          connectionRetryTimeout: 1,
        }),
      );
    const right = {
      caFile: `${certs}/ca.pem`,
      clientCertificateFile: `${certs}/client.pem`,
      clientKeyFile: `${certs}/client.key`,
    };
    await write(right);
    const agent = await startTestAgent({ dataDir: dir.path, managedFile: managed });
    const lastError = async () => (await uplinkHealth(agent.store.db, agent.policy)).lastError;
    /** Applies `cloud`, records something to send, and waits for the failure it names. */
    const failsWith = async (a: Agent, cloud: Record<string, unknown>, expected: RegExp) => {
      const before = receiver.requests().length;
      await write(cloud);
      await a.reloadPolicy();
      await a.collectNow("system");
      await waitFor(`a failure matching ${expected}`, async () => {
        const error = await lastError();
        return error !== null && expected.test(error.message) &&
          error.at > Date.now() - 10_000;
      }, 20_000);
      equal(receiver.requests().length, before, "nothing reached the receiver");
    };
    try {
      await waitFor(
        "records delivered over mutual TLS",
        async () =>
          receiver.requests().length > 0 &&
          (await uplinkHealth(agent.store.db, agent.policy)).lastSuccessAt !== null,
        20_000,
      );
      match(receiver.requests()[0]!, /^POST \/v1\/logs \d+ application\/x-protobuf$/);

      await failsWith(agent, { ...right, caFile: null }, /not signed by a CA vitrine trusts/);
      await failsWith(
        agent,
        { ...right, serviceUri: `https://localhost:${receiver.port}` },
        /does not name the host of cloudService\.serviceUri/,
      );
      await failsWith(
        agent,
        {
          ...right,
          clientCertificateFile: `${certs}/rogue-client.pem`,
          clientKeyFile: `${certs}/rogue-client.key`,
        },
        /refuse[sd]? vitrine's client certificate/,
      );
      await failsWith(
        agent,
        { ...right, clientCertificateFile: null, clientKeyFile: null },
        /refused vitrine's client certificate, or wanted one/,
      );
      // Certificates made the common way (openssl x509 -req, no extension file) are version 1.
      await makeVersion1Certificate(certs, "v1-client");
      await failsWith(
        agent,
        {
          ...right,
          clientCertificateFile: `${certs}/v1-client.pem`,
          clientKeyFile: `${certs}/v1-client.key`,
        },
        /clientCertificateFile ".*v1-client\.pem" is an X\.509 version 1 certificate.*reissue it as version 3.*extendedKeyUsage=clientAuth/,
      );
      const v1Server = `${dir.path}/v1-server`;
      await Deno.mkdir(v1Server);
      for (const file of ["ca.pem", "ca.key", "client-ca.pem"]) {
        await Deno.copyFile(`${certs}/${file}`, `${v1Server}/${file}`);
      }
      await makeVersion1Certificate(v1Server, "server");
      const oldServer = await startTlsReceiver(v1Server);
      try {
        await failsWith(
          agent,
          { ...right, serviceUri: `https://127.0.0.1:${oldServer.port}` },
          /the server's certificate \(or a CA of its chain\) is an X\.509 version 1 certificate/,
        );
      } finally {
        await oldServer.stop();
      }
      await Deno.chmod(`${certs}/client.key`, 0o644);
      await failsWith(
        agent,
        right,
        /clientKeyFile ".*client\.key" may be read by others \(mode 0644\)/,
      );
      await Deno.chmod(`${certs}/client.key`, 0o600);

      // The same setup over plain http: nothing goes, in the clear or otherwise, and health says why.
      const beforeClear = receiver.requests().length;
      await write({ ...right, serviceUri: `http://127.0.0.1:${receiver.port}` });
      await agent.reloadPolicy();
      await agent.collectNow("system");
      const health = await buildHealth(agent.store, dir.path, agent.policy, agent.status());
      ok(
        health.problems.some((p) =>
          /plain http while TLS files .* nothing is sent in the clear/.test(p)
        ),
        health.problems.join("\n"),
      );
      await afterRuns(agent, "uplink");
      equal(receiver.requests().length, beforeClear, "nothing reached the receiver");

      // Put right, what waited goes out.
      const before = receiver.requests().length;
      await write(right);
      await agent.reloadPolicy();
      await waitFor(
        "the records that waited delivered",
        () => receiver.requests().length > before,
        20_000,
      );
      const sent = await uplinkHealth(agent.store.db, agent.policy);
      equal(sent.lastError, null, "health no longer reports the error once delivery recovered");
      ok(sent.lastSuccessAt! > sent.resolvedError!.at, "delivered after the last failure");
      // The key never appears in what vitrine keeps.
      const key = (await Deno.readTextFile(`${certs}/client.key`)).split("\n")[1]!;
      const stored = await Deno.readFile(`${dir.path}/vitrine.db`);
      ok(!new TextDecoder("latin1").decode(stored).includes(key), "the key is not in the database");
    } finally {
      await agent.stop();
      await receiver.stop();
    }
  },
});
