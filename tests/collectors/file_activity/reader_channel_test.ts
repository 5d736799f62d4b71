import { equal, ok } from "node:assert/strict";
import {
  ACK_DEADLINE_MS,
  MAX_OUTSTANDING,
  ReaderChannel,
} from "../../../collectors/file_activity/reader_channel.ts";

function clock(): { now: () => number; advance(ms: number): void } {
  let t = 0;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const moved = (n: number) => ({ totals: { "ipc.kauth_file_op.open": n }, changed: true });
const still = (n: number) => ({ totals: { "ipc.kauth_file_op.open": n }, changed: false });

Deno.test("a batch is sent when totals moved, and acknowledged fast or late", () => {
  const time = clock();
  const channel = new ReaderChannel(time.now);
  const first = channel.nextBatch(moved(1))!;
  equal(first.seq, 1);
  equal(first.counters["ipc.kauth_file_op.open"], 1);
  equal(channel.nextBatch(still(1)), null, "nothing new to send");
  channel.reply({ type: "ack", seq: 1 });
  const second = channel.nextBatch(moved(2))!;
  equal(second.channel.acks_received, 1);
  equal(second.channel.acked_fast, 1);
  time.advance(ACK_DEADLINE_MS + 1);
  const third = channel.nextBatch(still(2))!;
  equal(third.channel.ack_timeouts, 1, "batch 2 missed its deadline");
  channel.reply({ type: "ack", seq: 2 });
  const fourth = channel.nextBatch(moved(3))!;
  equal(fourth.channel.late_acks, 1);
  equal(fourth.channel.acks_received, 2);
});

Deno.test("malformed and unexpected replies are counted, never trusted", () => {
  const channel = new ReaderChannel(clock().now);
  channel.nextBatch(moved(1));
  channel.reply(null);
  channel.reply({ type: "ack" });
  channel.reply({ type: "maybe", seq: 1 });
  channel.reply({ type: "ack", seq: 99 });
  const batch = channel.nextBatch(still(1))!;
  equal(batch.channel.bad_replies, 3);
  equal(batch.channel.unexpected_acks, 1);
  equal(batch.channel.acks_received, 0);
});

Deno.test("with too many batches unacknowledged, one is dropped and its totals go with the next", () => {
  const channel = new ReaderChannel(clock().now);
  for (let i = 1; i <= MAX_OUTSTANDING; i++) ok(channel.nextBatch(moved(i)));
  equal(channel.nextBatch(moved(MAX_OUTSTANDING + 1)), null);
  channel.reply({ type: "ack", seq: 1 });
  const next = channel.nextBatch(still(MAX_OUTSTANDING + 1))!;
  equal(next.channel.dropped_no_space, 1);
  equal(next.counters["ipc.kauth_file_op.open"], MAX_OUTSTANDING + 1);
});

Deno.test("overflows and read problems travel with the next batch", () => {
  const channel = new ReaderChannel(clock().now);
  channel.nextBatch(moved(0));
  channel.overflow();
  channel.add("bad_records", 2);
  channel.add("read_failures");
  const batch = channel.nextBatch(still(0))!;
  equal(batch.overflows, 1);
  equal(batch.channel.bad_records, 2);
  equal(batch.channel.read_failures, 1);
});
