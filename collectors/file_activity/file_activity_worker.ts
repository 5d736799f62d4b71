// The kernel reader: runs in a Worker so that polling the fanotify or
// inotify descriptor never holds up the agent's event loop. It exists only
// while kernel events are read (at the optional level).
/// <reference lib="deno.worker" />
import { countersFor, CounterTotals, familyMasks } from "./counter_totals.ts";
import { openFanotifySource } from "./fanotify_source.ts";
import { openInotifySource } from "./inotify_source.ts";
import type { KernelSource } from "./kernel_source.ts";
import { isExcluded, needsPaths, pathFilter } from "./path_filter.ts";
import { ReaderChannel } from "./reader_channel.ts";
import { startReadLoop } from "./read_loop.ts";
import {
  type ConnectMessage,
  type KernelInterface,
  PROTOCOL_VERSION,
  type ReaderMessage,
} from "./reader_protocol.ts";

const channel = new ReaderChannel();
let stop: (() => void) | null = null;

function post(message: ReaderMessage): void {
  self.postMessage(message);
}

function open(
  kind: KernelInterface,
  connect: ConnectMessage,
  totals: CounterTotals,
  problems: string[],
): KernelSource {
  if (kind === "fanotify") {
    return openFanotifySource(
      connect.paths,
      totals.mask,
      needsPaths(connect.paths, connect.exclusions),
    );
  }
  const skip = (dir: string) => isExcluded(dir, dir.split("/").pop() ?? "", connect.exclusions);
  return openInotifySource(connect.paths, totals.mask, skip, problems);
}

function onConnect(connect: ConnectMessage): void {
  if (stop !== null || connect.version !== PROTOCOL_VERSION) {
    const reason = stop !== null
      ? "The reader is already connected"
      : `Protocol version ${connect.version} is not ${PROTOCOL_VERSION}`;
    post({ type: "reject", reason });
    return;
  }
  // Why a preferred interface was passed over: a note while another one
  // works, a problem when none does.
  const problems: string[] = [];
  const notes: string[] = [];
  for (const kind of connect.prefer) {
    const totals = new CounterTotals(countersFor(kind));
    try {
      const source = open(kind, connect, totals, problems);
      const accept = pathFilter(connect.paths, connect.exclusions);
      stop = startReadLoop(source, accept, totals, channel, post);
      post({
        type: "hello",
        subsystem: kind,
        masks: familyMasks(totals.counters),
        problems,
        notes,
      });
      return;
    } catch (error) {
      notes.push(`${kind} is not usable: ${(error as Error).message}`);
    }
  }
  const masks = { vnode: 0, file_op: 0 };
  post({
    type: "hello",
    subsystem: "unavailable",
    masks,
    problems: [...problems, ...notes],
    notes: [],
  });
}

self.onmessage = (event: MessageEvent) => {
  const data = event.data as { type?: string } | null;
  if (data?.type === "connect") onConnect(data as ConnectMessage);
  else if (data?.type === "stop") {
    stop?.();
    self.close();
  } else channel.reply(data);
};
