// A loopback OTLP/HTTP logs receiver for the tests: it decodes what it is
// sent (protobuf or JSON) and answers as a test tells it to: accept, fail
// with a status, refuse part of a batch, answer hugely, or never answer.

/** A log record as received: its event id, name, attributes and resource. */
export interface Received {
  eventId: number;
  eventName: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  contentType: string;
  authorization: string | null;
  /** When the request carrying it arrived (epoch ms). */
  at: number;
}

/** How the receiver answers the next requests. */
export type Behaviour =
  | { kind: "accept" }
  | { kind: "status"; status: number; retryAfter?: string; times?: number }
  | { kind: "partial"; rejected: number }
  | { kind: "huge"; bytes: number }
  | { kind: "hang" };

// A small reader of the protobuf wire format, enough for the OTLP request.
type Field = { number: number; wire: number; value: bigint | Uint8Array };

function* fields(bytes: Uint8Array): Generator<Field> {
  let i = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    while (true) {
      const byte = bytes[i++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (i < bytes.length) {
    const key = Number(varint());
    const number = key >> 3;
    const wire = key & 7;
    if (wire === 0) yield { number, wire, value: varint() };
    else if (wire === 1) {
      yield {
        number,
        wire,
        value: new DataView(bytes.buffer, bytes.byteOffset + i, 8).getBigUint64(0, true),
      };
      i += 8;
    } else if (wire === 2) {
      const length = Number(varint());
      yield { number, wire, value: bytes.subarray(i, i + length) };
      i += length;
    } else if (wire === 5) {
      yield {
        number,
        wire,
        value: BigInt(new DataView(bytes.buffer, bytes.byteOffset + i, 4).getUint32(0, true)),
      };
      i += 4;
    } else throw new Error(`wire type ${wire} in a test message`);
  }
}

const text = (bytes: unknown) => new TextDecoder().decode(bytes as Uint8Array);

function anyValue(bytes: Uint8Array): unknown {
  for (const field of fields(bytes)) {
    switch (field.number) {
      case 1:
        return text(field.value);
      case 2:
        return field.value === 1n;
      case 3:
        return Number(BigInt.asIntN(64, field.value as bigint));
      case 4:
        return new DataView(new BigUint64Array([field.value as bigint]).buffer).getFloat64(0, true);
      case 5:
        return [...fields(field.value as Uint8Array)].map((item) =>
          anyValue(item.value as Uint8Array)
        );
      case 6:
        return keyValues([...fields(field.value as Uint8Array)].map((f) => f.value as Uint8Array));
    }
  }
  return null;
}

function keyValues(list: Uint8Array[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    let key = "";
    let value: unknown = null;
    for (const field of fields(item)) {
      if (field.number === 1) key = text(field.value);
      if (field.number === 2) value = anyValue(field.value as Uint8Array);
    }
    out[key] = value;
  }
  return out;
}

/** The records of a protobuf request, decoded by this file's own reader. */
export function decodeProtobuf(
  body: Uint8Array,
): Omit<Received, "contentType" | "authorization" | "at">[] {
  const out: Omit<Received, "contentType" | "authorization" | "at">[] = [];
  for (const resourceLogs of fields(body)) {
    let resource: Record<string, unknown> = {};
    const scopes: Uint8Array[] = [];
    for (const field of fields(resourceLogs.value as Uint8Array)) {
      if (field.number === 1) {
        resource = keyValues(
          [...fields(field.value as Uint8Array)].filter((f) => f.number === 1).map((f) =>
            f.value as Uint8Array
          ),
        );
      }
      if (field.number === 2) scopes.push(field.value as Uint8Array);
    }
    for (const scope of scopes) {
      for (const record of fields(scope)) {
        if (record.number !== 2) continue;
        const attributes: Uint8Array[] = [];
        let eventName = "";
        for (const field of fields(record.value as Uint8Array)) {
          if (field.number === 6) attributes.push(field.value as Uint8Array);
          if (field.number === 12) eventName = text(field.value);
        }
        const values = keyValues(attributes);
        out.push({
          eventId: Number(values["vitrine.event.id"]),
          eventName,
          attributes: values,
          resource,
        });
      }
    }
  }
  return out;
}

function jsonValue(value: Record<string, unknown>): unknown {
  if ("stringValue" in value) return value.stringValue;
  if ("boolValue" in value) return value.boolValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return value.doubleValue;
  if ("arrayValue" in value) {
    return ((value.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(
      jsonValue,
    );
  }
  if ("kvlistValue" in value) {
    return jsonAttributes(
      (value.kvlistValue as { values?: { key: string; value: Record<string, unknown> }[] })
        .values ?? [],
    );
  }
  return null;
}

function jsonAttributes(
  list: { key: string; value: Record<string, unknown> }[],
): Record<string, unknown> {
  return Object.fromEntries(list.map((kv) => [kv.key, jsonValue(kv.value)]));
}

/** The records of a JSON request. */
export function decodeJson(
  body: Uint8Array,
): Omit<Received, "contentType" | "authorization" | "at">[] {
  // deno-lint-ignore no-explicit-any
  const request = JSON.parse(text(body)) as any;
  const out: Omit<Received, "contentType" | "authorization" | "at">[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = jsonAttributes(resourceLogs.resource?.attributes ?? []);
    for (const scope of resourceLogs.scopeLogs ?? []) {
      for (const record of scope.logRecords ?? []) {
        const attributes = jsonAttributes(record.attributes ?? []);
        out.push({
          eventId: Number(attributes["vitrine.event.id"]),
          eventName: record.eventName,
          attributes,
          resource,
        });
      }
    }
  }
  return out;
}

/** A PUT as received (a sample submitted to the receiver as its store). */
export interface ReceivedPut {
  path: string;
  /** SHA-256 of the body, in hex. */
  sha256: string;
  at: number;
}

/** A running receiver. */
export interface Receiver {
  port: number;
  url: string;
  received: Received[];
  /** Records of requests it answered with an error status (decoded all the same). */
  refused: (Received & { status: number })[];
  /** PUTs it accepted (2xx), as a sample store would. */
  puts: ReceivedPut[];
  /** Every request's status as answered (or "hang"). */
  answers: string[];
  /** The bodies of the logs requests it accepted, as received (what a backend stores). */
  bodies: Uint8Array[];
  behave(behaviour: Behaviour): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a receiver on loopback (on `port` when given, to come back after a stop). */
export function startReceiver(port = 0): Receiver {
  let behaviour: Behaviour = { kind: "accept" };
  const received: Received[] = [];
  const refused: (Received & { status: number })[] = [];
  const puts: ReceivedPut[] = [];
  const answers: string[] = [];
  const bodies: Uint8Array[] = [];
  const hanging: (() => void)[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, async (request) => {
    const at = Date.now();
    const body = new Uint8Array(await request.arrayBuffer());
    const contentType = request.headers.get("content-type") ?? "";
    const authorization = request.headers.get("authorization");
    if (behaviour.kind === "hang") {
      answers.push("hang");
      await new Promise<void>((resolve) => hanging.push(resolve));
      return new Response(null, { status: 503 });
    }
    if (behaviour.kind === "status") {
      const current = behaviour;
      answers.push(String(current.status));
      if (request.method === "POST") {
        const records = contentType.includes("json") ? decodeJson(body) : decodeProtobuf(body);
        refused.push(
          ...records.map((r) => ({ ...r, contentType, authorization, at, status: current.status })),
        );
      }
      if (current.times !== undefined && --current.times <= 0) behaviour = { kind: "accept" };
      return new Response("not now", {
        status: current.status,
        headers: current.retryAfter ? { "retry-after": current.retryAfter } : {},
      });
    }
    if (request.method === "PUT") {
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
      const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
      puts.push({ path: new URL(request.url).pathname, sha256, at });
      answers.push("201");
      return new Response(null, { status: 201 });
    }
    const records = contentType.includes("json") ? decodeJson(body) : decodeProtobuf(body);
    received.push(...records.map((r) => ({ ...r, contentType, authorization, at })));
    bodies.push(body);
    answers.push("200");
    if (behaviour.kind === "huge") return new Response(new Uint8Array(behaviour.bytes).fill(32));
    if (behaviour.kind === "partial") {
      return Response.json({
        partialSuccess: { rejectedLogRecords: String(behaviour.rejected), errorMessage: "too old" },
      });
    }
    return Response.json({});
  });
  const bound = (server.addr as Deno.NetAddr).port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    received,
    refused,
    puts,
    answers,
    bodies,
    behave: (next) => void (behaviour = next),
    async [Symbol.asyncDispose]() {
      for (const release of hanging) release();
      await server.shutdown();
    },
  };
}
