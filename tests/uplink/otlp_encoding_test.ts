import { deepEqual, equal, ok } from "node:assert/strict";
import { JsonLogsSerializer, ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { encodeLogsJson, rejectedInJson } from "../../uplink/otlp_json.ts";
import { encodeLogsProtobuf, rejectedInProtobuf } from "../../uplink/otlp_protobuf.ts";
import type { Attributes, LogsRequest } from "../../uplink/otlp_records.ts";
import { decodeJson, decodeProtobuf } from "../../testing/otlp_receiver.ts";
import { requires } from "../../testing/requires.ts";

/** Attributes of every kind and size the agent sends, and a few it might. */
function sampleRequest(records: number): LogsRequest {
  const attributes = (i: number): Attributes => ({
    uptime: 123456 + i,
    "load.1m": 0.25 + i / 1000,
    "memory.total": 25_769_803_776,
    "large.integer": 2 ** 60,
    "negative": -42 - i,
    "negative.large": -(2 ** 40),
    "ratio": 1 / 3,
    "flag": i % 2 === 0,
    "text": `naïve ✓ ${"x".repeat(i * 40)}`,
    "empty": "",
    "list": ["a", "ü", ""],
    "numbers": [1, 2.5, -3],
    "groups": [{ mount_point: "/", free: 1024 * i }, { mount_point: "/home", free: 0.5 }],
    "nested": { inner: { deeper: "yes", n: 7 } },
    ["long.key.".repeat(20)]: i,
    ...Object.fromEntries(Array.from({ length: 200 }, (_, k) => [`vmstat.counter_${k}`, k * i])),
  });
  return {
    scope: { name: "vitrine", version: "0.1.0" },
    resources: [
      {
        attributes: { hostname: "host-a", "service.name": "vitrine", supported: ["gzip"] },
        records: Array.from({ length: records }, (_, i) => ({
          timeMs: 1_764_000_000_000 + i,
          eventName: i % 3 === 0 ? "kernel_statistics" : "system_statistics",
          // Two sets, as a record carries its parts and then its own; nulls are left out.
          attributes: [
            { ...attributes(i), "absent": null, "list.with.null": ["x", null] },
            { "event.name": "system_statistics", "vitrine.event.id": i },
          ],
        })),
      },
      {
        attributes: { hostname: "host-b", "service.name": "vitrine" },
        records: [{ timeMs: 1_764_000_000_999, eventName: "crash", attributes: [attributes(0)] }],
      },
    ],
  };
}

/** `value` without nulls, as vitrine sends it (OpenTelemetry's serializers would send them empty). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(withoutNulls);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

/** The same request as OpenTelemetry's SDK records, for its serializers. */
function sdkRecords(request: LogsRequest): ReadableLogRecord[] {
  return request.resources.flatMap((resource) => {
    const sdkResource = resourceFromAttributes(resource.attributes as never);
    return resource.records.map((record) => {
      const seconds = Math.floor(record.timeMs / 1000);
      const time: [number, number] = [seconds, (record.timeMs - seconds * 1000) * 1e6];
      return {
        hrTime: time,
        hrTimeObserved: time,
        resource: sdkResource,
        instrumentationScope: request.scope,
        eventName: record.eventName,
        attributes: withoutNulls(Object.assign({}, ...record.attributes)),
        droppedAttributesCount: 0,
      } as unknown as ReadableLogRecord;
    });
  });
}

const decodedRecords = (decoded: ReturnType<typeof decodeProtobuf>) =>
  decoded.map(({ eventName, attributes, resource }) => ({ eventName, attributes, resource }));

Deno.test("the protobuf request says what OpenTelemetry's serializer says, for every kind of value", () => {
  for (const size of [1, 3, 40]) {
    const request = sampleRequest(size);
    const ours = encodeLogsProtobuf(request);
    const theirs = ProtobufLogsSerializer.serializeRequest(sdkRecords(request))!;
    deepEqual(decodedRecords(decodeProtobuf(ours)), decodedRecords(decodeProtobuf(theirs)));
    equal(decodeProtobuf(ours).length, size + 1);
  }
});

Deno.test("the protobuf request is OpenTelemetry's serializer's, byte for byte", () => {
  for (const size of [1, 7, 40]) {
    const request = sampleRequest(size);
    deepEqual(
      encodeLogsProtobuf(request),
      ProtobufLogsSerializer.serializeRequest(sdkRecords(request))!,
    );
  }
});

Deno.test({
  ...requires("protoc"),
  name: "protoc reads the protobuf request, with times in whole nanoseconds",
  fn: async () => {
    const child = new Deno.Command("protoc", {
      args: ["--decode_raw"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(encodeLogsProtobuf(sampleRequest(2)));
    await writer.close();
    const output = await child.output();
    ok(output.success, new TextDecoder().decode(output.stderr));
    const text = new TextDecoder().decode(output.stdout);
    // 1764000000000 ms = 1764000000000000000 ns = 0x187ac0f0fbc68000.
    ok(text.includes(`1: 0x${(1_764_000_000_000n * 1_000_000n).toString(16)}`), text.slice(0, 400));
    ok(text.includes('12: "system_statistics"'));
  },
});

Deno.test("a string or message longer than 127 bytes gets its full length, however long", () => {
  for (const length of [127, 128, 16_383, 16_384, 2_100_000]) {
    const request: LogsRequest = {
      scope: { name: "vitrine", version: "0.1.0" },
      resources: [{
        attributes: {},
        records: [{ timeMs: 0, eventName: "crash", attributes: [{ stack: "s".repeat(length) }] }],
      }],
    };
    const [record] = decodeProtobuf(encodeLogsProtobuf(request));
    equal((record!.attributes.stack as string).length, length);
  }
});

Deno.test("the JSON request says the same as OpenTelemetry's JSON serializer", () => {
  const request = sampleRequest(4);
  const ours = encodeLogsJson(request);
  const theirs = JsonLogsSerializer.serializeRequest(sdkRecords(request))!;
  deepEqual(decodedRecords(decodeJson(ours)), decodedRecords(decodeJson(theirs)));
  const document = JSON.parse(new TextDecoder().decode(ours));
  const record = document.resourceLogs[0].scopeLogs[0].logRecords[0];
  equal(record.timeUnixNano, "1764000000000000000");
  deepEqual(record.attributes.find((a: { key: string }) => a.key === "large.integer").value, {
    intValue: BigInt(2 ** 60).toString(),
  });
});

Deno.test("a partial success is read from either encoding, and anything else counts no rejection", () => {
  const proto = ProtobufLogsSerializer;
  // ExportLogsServiceResponse { partial_success { rejected_log_records: 3, error_message: "no" } }
  const answer = new Uint8Array([0x0a, 0x06, 0x08, 0x03, 0x12, 0x02, 0x6e, 0x6f]);
  equal(rejectedInProtobuf(answer), 3);
  equal(
    Number(
      (proto.deserializeResponse(answer) as { partialSuccess: { rejectedLogRecords: unknown } })
        .partialSuccess.rejectedLogRecords,
    ),
    3,
  );
  equal(rejectedInProtobuf(new Uint8Array()), 0);
  equal(rejectedInProtobuf(new TextEncoder().encode("<html>error</html>")), 0);
  equal(
    rejectedInJson(new TextEncoder().encode('{"partialSuccess":{"rejectedLogRecords":"5"}}')),
    5,
  );
  equal(rejectedInJson(new TextEncoder().encode("{}")), 0);
  equal(rejectedInJson(new TextEncoder().encode("not json")), 0);
});
