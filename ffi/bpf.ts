/**
 * bpf(2) through libc's `syscall`: creating a per-CPU array, loading a
 * program (with the verifier's log when it refuses), attaching it to a raw
 * tracepoint by name, and reading the array back. Every descriptor is
 * close-on-exec (the kernel sets it for bpf descriptors).
 *
 * @module
 */
import { cString, lastErrno, libc, readCString } from "./libc.ts";
import { closeQuietly } from "./_descriptor.ts";
import { readKernelFile } from "./read_kernel_file.ts";
import { SyscallError } from "./syscall_error.ts";

/** bpf(2)'s system call number on the architectures vitrine runs on. */
const SYS_BPF: Partial<Record<typeof Deno.build.arch, bigint>> = { x86_64: 321n, aarch64: 280n };

/** bpf(2) commands (`enum bpf_cmd`). */
const CMD = { MAP_CREATE: 0, MAP_LOOKUP_ELEM: 1, PROG_LOAD: 5, RAW_TRACEPOINT_OPEN: 17 } as const;

/** `enum bpf_map_type` and `enum bpf_prog_type` values used here. */
export const BPF = {
  MAP_TYPE_PERCPU_ARRAY: 6,
  PROG_TYPE_RAW_TRACEPOINT: 17,
} as const;

/** `union bpf_attr` is read up to the size given; 128 bytes covers every field used here. */
const ATTR_BYTES = 128;

function bpf(cmd: number, name: string, attr: Uint8Array<ArrayBuffer>, detail?: string): number {
  const number = SYS_BPF[Deno.build.arch];
  if (number === undefined) {
    throw new Error(`bpf(2) is not known on ${Deno.build.arch}`);
  }
  const result = Number(libc().syscall_bpf(number, cmd, attr, attr.length));
  if (result < 0) throw new SyscallError(`bpf(${name})`, lastErrno(), detail);
  return result;
}

/** How many CPUs the kernel may ever bring up: per-CPU values come in this many copies. */
export function possibleCpus(): number {
  const text = readKernelFile("/sys/devices/system/cpu/possible").trim();
  let count = 0;
  for (const range of text.split(",")) {
    const [from, to] = range.split("-").map(Number);
    if (!Number.isInteger(from)) throw new Error(`Unreadable possible CPUs: "${text}"`);
    count += (to ?? from!) - from! + 1;
  }
  return count;
}

/** An eBPF map of one key (0) whose value is `slots` 64-bit counters on every CPU. */
export class PerCpuCounters {
  readonly fd: number;
  readonly slots: number;
  readonly #cpus: number;
  readonly #value: Uint8Array<ArrayBuffer>;
  readonly #attr = new Uint8Array(ATTR_BYTES);
  readonly #key = new Uint32Array(1);

  private constructor(fd: number, slots: number, cpus: number) {
    this.fd = fd;
    this.slots = slots;
    this.#cpus = cpus;
    this.#value = new Uint8Array(slots * 8 * cpus);
  }

  /** Creates the map (`name` up to 15 characters, shown by bpftool). */
  static create(name: string, slots: number): PerCpuCounters {
    const attr = new Uint8Array(ATTR_BYTES);
    const view = new DataView(attr.buffer);
    view.setUint32(0, BPF.MAP_TYPE_PERCPU_ARRAY, true); // map_type
    view.setUint32(4, 4, true); // key_size
    view.setUint32(8, slots * 8, true); // value_size
    view.setUint32(12, 1, true); // max_entries
    attr.set(cString(name).subarray(0, 15), 28); // map_name[16]
    const fd = bpf(CMD.MAP_CREATE, "BPF_MAP_CREATE", attr, `map "${name}"`);
    return new PerCpuCounters(fd, slots, possibleCpus());
  }

  /** Every slot summed over the CPUs. */
  read(): bigint[] {
    const attr = this.#attr;
    attr.fill(0);
    const view = new DataView(attr.buffer);
    view.setUint32(0, this.fd, true); // map_fd
    const keyPointer = Deno.UnsafePointer.value(Deno.UnsafePointer.of(this.#key));
    const valuePointer = Deno.UnsafePointer.value(Deno.UnsafePointer.of(this.#value));
    view.setBigUint64(8, BigInt(keyPointer), true); // key
    view.setBigUint64(16, BigInt(valuePointer), true); // value
    bpf(CMD.MAP_LOOKUP_ELEM, "BPF_MAP_LOOKUP_ELEM", attr);
    const values = new BigUint64Array(this.#value.buffer);
    const sums = new Array<bigint>(this.slots).fill(0n);
    for (let cpu = 0; cpu < this.#cpus; cpu++) {
      for (let slot = 0; slot < this.slots; slot++) {
        sums[slot]! += values[cpu * this.slots + slot]!;
      }
    }
    return sums;
  }

  /** Closes the map (the kernel frees it once no program holds it). */
  close(): void {
    closeQuietly(this.fd);
  }
}

/** A loaded program, attached to a raw tracepoint once `attach` is called. */
export class RawTracepointProgram {
  readonly fd: number;
  readonly #links: number[] = [];

  private constructor(fd: number) {
    this.fd = fd;
  }

  /**
   * Loads `code` as a raw-tracepoint program. A refusal carries the
   * verifier's last lines, which say which instruction and why.
   */
  static load(name: string, code: Uint8Array<ArrayBuffer>): RawTracepointProgram {
    const license = cString("GPL");
    const log = new Uint8Array(64 * 1024);
    const attr = new Uint8Array(ATTR_BYTES);
    const view = new DataView(attr.buffer);
    const pointer = (buffer: Uint8Array<ArrayBuffer>) =>
      BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
    view.setUint32(0, BPF.PROG_TYPE_RAW_TRACEPOINT, true); // prog_type
    view.setUint32(4, code.length / 8, true); // insn_cnt
    view.setBigUint64(8, pointer(code), true); // insns
    view.setBigUint64(16, pointer(license), true); // license
    view.setUint32(24, 1, true); // log_level
    view.setUint32(28, log.length, true); // log_size
    view.setBigUint64(32, pointer(log), true); // log_buf
    attr.set(cString(name).subarray(0, 15), 48); // prog_name[16]
    let fd: number;
    try {
      fd = bpf(CMD.PROG_LOAD, "BPF_PROG_LOAD", attr, `program "${name}"`);
    } catch (error) {
      const said = readCString(log).trim().split("\n").slice(-3).join(" | ");
      if (error instanceof SyscallError && said) {
        throw new SyscallError(error.syscall, error.errno, `program "${name}": verifier: ${said}`);
      }
      throw error;
    }
    return new RawTracepointProgram(fd);
  }

  /** Attaches to the raw tracepoint `tracepoint` (such as "sys_enter"); detached on close. */
  attach(tracepoint: string): void {
    const name = cString(tracepoint);
    const attr = new Uint8Array(ATTR_BYTES);
    const view = new DataView(attr.buffer);
    view.setBigUint64(0, BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(name))), true);
    view.setUint32(8, this.fd, true); // prog_fd
    this.#links.push(
      bpf(CMD.RAW_TRACEPOINT_OPEN, "BPF_RAW_TRACEPOINT_OPEN", attr, `tracepoint "${tracepoint}"`),
    );
  }

  /** Detaches and unloads. */
  close(): void {
    for (const link of this.#links.splice(0)) closeQuietly(link);
    closeQuietly(this.fd);
  }
}
