// The kernel reader: runs in a Worker so that polling the fanotify or
// inotify descriptor never holds up the agent's event loop.
/// <reference lib="deno.worker" />
import { CATALOG } from "../catalog/catalog.ts";
import type { KernelObservation } from "../catalog/types.ts";
import { FAN, Fanotify } from "../ffi/fanotify.ts";
import { IN, Inotify } from "../ffi/inotify.ts";
import {
  type BatchMessage,
  type ConnectMessage,
  type Exclusion,
  PROTOCOL_VERSION,
  type ReaderMessage,
  type ReplyMessage,
} from "./file_activity_protocol.ts";

type Interface = "fanotify" | "inotify";

interface Counter {
  field: string;
  mask: number;
  filesOnly: boolean;
}

const KERNEL_EVENT = CATALOG.events.find((e) => e.type === "kernel_statistics")!;
const BITS: Record<Interface, Record<string, number>> = {
  fanotify: FAN,
  inotify: IN,
};
const ACK_DEADLINE_MS = 1000;
const FAST_ACK_MS = 10;
const MAX_OUTSTANDING = 64;
const FLUSH_MS = 250;

function countersFor(kind: Interface): Counter[] {
  const out: Counter[] = [];
  for (const field of KERNEL_EVENT.fields) {
    const observation: KernelObservation | null | undefined = field.source
      ?.[kind];
    if (!observation) continue;
    const mask = observation.bits.reduce(
      (m, bit) => m | (BITS[kind][bit] ?? 0),
      0,
    );
    out.push({
      field: field.name,
      mask,
      filesOnly: observation.filesOnly ?? false,
    });
  }
  return out;
}

function familyMask(counters: Counter[], family: "vnode" | "file_op"): number {
  return counters
    .filter((c) =>
      c.field.startsWith(`ipc.kauth.${family}.`) ||
      (family === "file_op" && c.field.startsWith("ipc.kauth_file_op."))
    )
    .reduce((m, c) => m | c.mask, 0);
}

function excluded(
  path: string,
  name: string,
  exclusions: readonly Exclusion[],
): boolean {
  for (const exclusion of exclusions) {
    if (exclusion.kind === "name" && exclusion.name === name) return true;
    if (exclusion.kind === "extension") {
      const ext = exclusion.extension.startsWith(".")
        ? exclusion.extension
        : `.${exclusion.extension}`;
      if (name.endsWith(ext)) return true;
    }
    if (exclusion.kind === "path") {
      if (path === exclusion.path) return true;
      if (
        exclusion.isDirectory &&
        path.startsWith(
          exclusion.path.endsWith("/") ? exclusion.path : `${exclusion.path}/`,
        )
      ) return true;
    }
  }
  return false;
}

function inScope(path: string, roots: readonly string[]): boolean {
  return roots.some((root) =>
    root === "/" || path === root ||
    path.startsWith(root.endsWith("/") ? root : `${root}/`)
  );
}

const totals: Record<string, number> = {};
const channel: Record<string, number> = {
  acks_received: 0,
  acked_fast: 0,
  late_acks: 0,
  unexpected_acks: 0,
  dropped_no_space: 0,
  ack_timeouts: 0,
  bad_records: 0,
  bad_replies: 0,
  read_failures: 0,
};
let overflows = 0;
let seq = 0;
let dirty = true;
const outstanding = new Map<number, { sentAt: number; timedOut: boolean }>();
let connected = false;
let stopReading = () => {};

function post(message: ReaderMessage): void {
  self.postMessage(message);
}

function flush(): void {
  const now = performance.now();
  for (const [id, entry] of outstanding) {
    if (!entry.timedOut && now - entry.sentAt > ACK_DEADLINE_MS) {
      entry.timedOut = true;
      channel.ack_timeouts!++;
      dirty = true;
    }
    // Forget batches that will never be acknowledged.
    if (now - entry.sentAt > 60 * ACK_DEADLINE_MS) outstanding.delete(id);
  }
  if (!dirty) return;
  if (
    [...outstanding.values()].filter((e) => !e.timedOut).length >=
      MAX_OUTSTANDING
  ) {
    channel.dropped_no_space!++;
    return;
  }
  dirty = false;
  seq++;
  outstanding.set(seq, { sentAt: now, timedOut: false });
  const batch: BatchMessage = {
    type: "batch",
    seq,
    counters: { ...totals },
    channel: { ...channel },
    overflows,
  };
  post(batch);
}

function onReply(reply: unknown): void {
  const message = reply as Partial<ReplyMessage>;
  if (
    typeof message !== "object" || message === null ||
    (message.type !== "ack" && message.type !== "nack") ||
    !Number.isInteger(message.seq)
  ) {
    channel.bad_replies!++;
    dirty = true;
    return;
  }
  const entry = outstanding.get(message.seq!);
  if (!entry) {
    channel.unexpected_acks!++;
    dirty = true;
    return;
  }
  outstanding.delete(message.seq!);
  channel.acks_received!++;
  const elapsed = performance.now() - entry.sentAt;
  if (elapsed <= FAST_ACK_MS) channel.acked_fast!++;
  if (entry.timedOut) channel.late_acks!++;
}

function count(counters: Counter[], mask: number, isDirectory: boolean): void {
  for (const counter of counters) {
    if ((mask & counter.mask) !== 0 && !(counter.filesOnly && isDirectory)) {
      totals[counter.field] = (totals[counter.field] ?? 0) + 1;
      dirty = true;
    }
  }
}

function startFanotify(
  connect: ConnectMessage,
): { masks: { vnode: number; file_op: number } } {
  const counters = countersFor("fanotify");
  const mask = counters.reduce((m, c) => m | c.mask, 0) | FAN.ONDIR;
  const group = Fanotify.open();
  try {
    const marked = new Set<string>();
    for (const root of connect.paths) {
      if (marked.has(root)) continue;
      group.markFilesystem(root, mask);
      marked.add(root);
    }
  } catch (error) {
    group.close();
    throw error;
  }
  for (const c of counters) totals[c.field] = 0;
  const needPaths = connect.exclusions.length > 0 ||
    connect.paths.some((p) => p !== "/");
  const timer = setInterval(() => {
    try {
      for (let round = 0; round < 64; round++) {
        const batch = group.read(0);
        channel.bad_records! += batch.malformed;
        if (batch.events.length === 0) break;
        for (const event of batch.events) {
          if (event.mask & FAN.Q_OVERFLOW) {
            overflows++;
            dirty = true;
            continue;
          }
          if (needPaths) {
            const directory = event.directoryKey ? group.directoryPath(event.directoryKey) : null;
            if (directory === null) continue;
            const name = event.name ?? ".";
            const path = name === "." ? directory : `${directory === "/" ? "" : directory}/${name}`;
            if (
              !inScope(path, connect.paths) ||
              excluded(path, name, connect.exclusions)
            ) continue;
          } else if (
            event.name && excluded("", event.name, connect.exclusions)
          ) continue;
          count(counters, event.mask, (event.mask & FAN.ONDIR) !== 0);
        }
      }
    } catch {
      channel.read_failures!++;
      dirty = true;
    }
  }, 20);
  stopReading = () => {
    clearInterval(timer);
    group.close();
  };
  return {
    masks: {
      vnode: familyMask(counters, "vnode"),
      file_op: familyMask(counters, "file_op"),
    },
  };
}

function inotifyRoots(paths: readonly string[]): string[] {
  if (paths.length === 1 && paths[0] === "/") {
    const home = Deno.env.get("HOME");
    return ["/etc", "/tmp", ...(home && home !== "/" ? [home] : [])];
  }
  return [...paths];
}

function startInotify(
  connect: ConnectMessage,
  problems: string[],
): { masks: { vnode: number; file_op: number } } {
  const counters = countersFor("inotify");
  const mask = counters.reduce((m, c) => m | c.mask, 0);
  const instance = Inotify.open();
  const watches = new Map<number, string>();
  const limit = 8192;
  let limitReported = false;
  const watchTree = (root: string) => {
    const stack = [root];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      if (excluded(dir, dir.split("/").pop() ?? "", connect.exclusions)) {
        continue;
      }
      if (watches.size >= limit) {
        if (!limitReported) {
          problems.push(
            `inotify stopped adding watches at ${limit} directories; activity below further directories is not counted`,
          );
        }
        limitReported = true;
        return;
      }
      try {
        watches.set(instance.addWatch(dir, mask), dir);
        for (const entry of Deno.readDirSync(dir)) {
          if (entry.isDirectory && !entry.isSymlink) {
            stack.push(`${dir === "/" ? "" : dir}/${entry.name}`);
          }
        }
      } catch {
        // Unreadable or vanished directory: not counted.
      }
    }
  };
  for (const root of inotifyRoots(connect.paths)) watchTree(root);
  if (watches.size === 0) {
    instance.close();
    throw new Error(
      `inotify could not watch any of ${JSON.stringify(inotifyRoots(connect.paths))}`,
    );
  }
  for (const c of counters) totals[c.field] = 0;
  const timer = setInterval(() => {
    try {
      for (let round = 0; round < 64; round++) {
        const batch = instance.read(0);
        channel.bad_records! += batch.malformed;
        if (batch.events.length === 0) break;
        for (const event of batch.events) {
          if (event.mask & IN.Q_OVERFLOW) {
            overflows++;
            dirty = true;
            continue;
          }
          if (event.mask & IN.IGNORED) {
            watches.delete(event.watch);
            continue;
          }
          const dir = watches.get(event.watch);
          if (dir === undefined) continue;
          const path = event.name ? `${dir === "/" ? "" : dir}/${event.name}` : dir;
          const name = event.name || (dir.split("/").pop() ?? "");
          if (excluded(path, name, connect.exclusions)) continue;
          const isDirectory = (event.mask & IN.ISDIR) !== 0;
          if (isDirectory && (event.mask & (IN.CREATE | IN.MOVED_TO))) {
            watchTree(path);
          }
          count(counters, event.mask, isDirectory);
        }
      }
    } catch {
      channel.read_failures!++;
      dirty = true;
    }
  }, 20);
  stopReading = () => {
    clearInterval(timer);
    instance.close();
  };
  return {
    masks: {
      vnode: familyMask(counters, "vnode"),
      file_op: familyMask(counters, "file_op"),
    },
  };
}

/** Opens `kind`, marks or watches the first path, and closes it again. */
function probe(kind: Interface, paths: readonly string[]): void {
  const root = kind === "inotify" ? inotifyRoots(paths)[0] ?? "/" : paths[0] ?? "/";
  if (kind === "fanotify") {
    const group = Fanotify.open();
    try {
      group.markFilesystem(root, FAN.OPEN);
    } finally {
      group.close();
    }
  } else {
    const instance = Inotify.open();
    try {
      instance.addWatch(root, IN.OPEN);
    } finally {
      instance.close();
    }
  }
}

function onConnect(connect: ConnectMessage): void {
  if (connected || connect.version !== PROTOCOL_VERSION) {
    post({
      type: "reject",
      reason: connected
        ? "The reader is already connected"
        : `Protocol version ${connect.version} is not ${PROTOCOL_VERSION}`,
    });
    return;
  }
  connected = true;
  // Why a preferred interface was passed over: a note while another one
  // works, a problem when none does.
  const problems: string[] = [];
  const notes: string[] = [];
  if (!connect.observeKernel) {
    // At the required level each interface is only probed (opened, marked
    // and closed at once) to learn which one this machine would use; no
    // kernel event is read at all.
    for (const kind of connect.prefer) {
      try {
        probe(kind, connect.paths);
        post({ type: "hello", subsystem: kind, masks: { vnode: 0, file_op: 0 }, problems, notes });
        return;
      } catch (error) {
        notes.push(`${kind} is not usable: ${(error as Error).message}`);
      }
    }
    post({
      type: "hello",
      subsystem: "unavailable",
      masks: { vnode: 0, file_op: 0 },
      problems: notes,
      notes: [],
    });
    return;
  }
  for (const kind of connect.prefer) {
    try {
      const { masks } = kind === "fanotify"
        ? startFanotify(connect)
        : startInotify(connect, problems);
      post({ type: "hello", subsystem: kind, masks, problems, notes });
      setInterval(flush, FLUSH_MS);
      return;
    } catch (error) {
      notes.push(`${kind} is not usable: ${(error as Error).message}`);
    }
  }
  post({
    type: "hello",
    subsystem: "unavailable",
    masks: { vnode: 0, file_op: 0 },
    problems: [...problems, ...notes],
    notes: [],
  });
}

self.onmessage = (event: MessageEvent) => {
  const data = event.data as { type?: string };
  if (data?.type === "connect") onConnect(data as ConnectMessage);
  else if (data?.type === "stop") {
    stopReading();
    self.close();
  } else onReply(data);
};
