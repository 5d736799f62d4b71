// deploy/otel-collector/config.yaml against what vitrine sends: the port
// and path a serviceUri leads to, mutual TLS, a body limit above vitrine's
// largest batch, a logs pipeline from the OTLP receiver, and the attribute
// its de-duplication advice names.
import { equal, ok } from "node:assert/strict";
import { parse } from "yaml";
import { combinePolicy } from "../../policy/combine_policy.ts";
import { sendingTo } from "../../policy/tiers.ts";
import { BATCH_BYTES } from "../../uplink/uplink.ts";
import { ROOT } from "../_helpers.ts";

const FILE = `${ROOT}deploy/otel-collector/config.yaml`;

Deno.test("the Collector configuration receives what vitrine sends, over mutual TLS", async () => {
  const text = await Deno.readTextFile(FILE);
  const config = parse(text);
  const http = config.receivers.otlp.protocols.http;
  const [, port] = /:(\d+)$/.exec(http.endpoint) ?? [];
  equal(port, "4318", "OTLP/HTTP's port");
  // A serviceUri naming that port leads vitrine to the receiver's logs path.
  const policy = combinePolicy(
    "/nonexistent",
    { state: "absent", values: new Map(), problems: [] },
    new Map<string, unknown>([
      ["cloudService.enabled", true],
      ["cloudService.serviceUri", "https://collector.example:4318"],
    ]),
  );
  const url = sendingTo(policy)!;
  equal(url.port, port);
  equal(url.pathname, http.logs_url_path ?? "/v1/logs", "the receiver's logs path");
  ok(http.tls?.cert_file && http.tls?.key_file, "the receiver serves TLS");
  ok(http.tls?.client_ca_file, "and requires client certificates (mutual TLS)");
  ok(
    (http.max_request_body_size ?? 20 * 1024 * 1024) >= BATCH_BYTES,
    `a body limit of at least vitrine's largest batch (${BATCH_BYTES} bytes)`,
  );
  const pipelines = config.service.pipelines as Record<
    string,
    { receivers: string[]; processors?: string[]; exporters: string[] }
  >;
  const logs = pipelines.logs!;
  ok(logs.receivers.includes("otlp"), "a logs pipeline from the OTLP receiver");
  for (const pipeline of Object.values(pipelines)) {
    for (const processor of pipeline.processors ?? []) ok(config.processors[processor], processor);
    for (const exporter of pipeline.exporters) {
      ok(
        config.exporters[exporter] !== undefined || config.connectors?.[exporter] !== undefined,
        exporter,
      );
    }
  }
  // The de-duplication advice names the attributes vitrine really sends.
  const records = await Deno.readTextFile(`${ROOT}uplink/otlp_records.ts`);
  ok(records.includes('"vitrine.event.id"') && text.includes("vitrine.event.id"));
  ok(text.includes("sense_guid"), "with the installation's id");
});

Deno.test("deletion requests reach a pipeline of their own, and are stored too", async () => {
  const config = parse(await Deno.readTextFile(FILE));
  const routes = config.connectors.routing.table as {
    condition: string;
    pipelines: string[];
  }[];
  // The name vitrine gives the record, as the records module sends it.
  const records = await Deno.readTextFile(`${ROOT}uplink/otlp_records.ts`);
  ok(records.includes('"event.name": event.type'));
  const route = routes.find((r) => r.condition.includes('"diagnostic_data_deletion"'));
  ok(route, "a route for diagnostic_data_deletion");
  ok(route.condition.includes('attributes["event.name"]'), route.condition);
  for (const name of route.pipelines) {
    const pipeline = config.service.pipelines[name];
    ok(pipeline?.receivers.includes("routing"), `${name} takes what the routing connector gives`);
  }
  ok(route.pipelines.includes("logs/deletions") && route.pipelines.includes("logs/store"));
  ok(config.service.pipelines.logs.exporters.includes("routing"));
});
