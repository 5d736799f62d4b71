/**
 * eBPF instructions as the kernel reads them (Documentation/bpf/standardization
 * /instruction-set.rst): eight bytes each, little-endian, `code`, registers,
 * a 16-bit offset and a 32-bit immediate. Programs are written with these
 * functions in the repository and encoded at load time; there is no
 * compiler and no object file.
 *
 * @module
 */

/** A register: r0 (return value), r1–r5 (arguments, clobbered by calls), r6–r9 (kept), r10 (frame). */
export type Reg = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/** One instruction, or two for a 64-bit immediate load. */
export interface Insn {
  code: number;
  dst: Reg;
  src: number;
  off: number;
  imm: number;
}

// Instruction classes, sizes, modes and operations (the kernel's BPF_* values).
const LDX = 0x01, STX = 0x03, ST = 0x02, ALU64 = 0x07, JMP = 0x05, LD = 0x00;
const DW = 0x18, W = 0x00, IMM = 0x00, MEM = 0x60, K = 0x00, X = 0x08;
const OP = { add: 0x00, and: 0x50, lsh: 0x60, rsh: 0x70, mov: 0xb0 } as const;
const JUMP = { ja: 0x00, jeq: 0x10, jgt: 0x20, jset: 0x40, jne: 0x50, call: 0x80, exit: 0x90 };

/** `ld_imm64` with this source marks the immediate as a map's descriptor (BPF_PSEUDO_MAP_FD). */
const PSEUDO_MAP_FD = 1;

/** The arithmetic operations the programs use. */
export type AluOp = keyof typeof OP;
/** The conditional jumps the programs use. */
export type JumpOp = "jeq" | "jgt" | "jset" | "jne";

/** `dst op= imm` on 64 bits. */
export function aluImm(op: AluOp, dst: Reg, imm: number): Insn {
  return { code: ALU64 | OP[op] | K, dst, src: 0, off: 0, imm };
}

/** `dst op= src` on 64 bits. */
export function aluReg(op: AluOp, dst: Reg, src: Reg): Insn {
  return { code: ALU64 | OP[op] | X, dst, src, off: 0, imm: 0 };
}

/** `dst = *(u64 *)(src + off)`. */
export function load64(dst: Reg, src: Reg, off: number): Insn {
  return { code: LDX | DW | MEM, dst, src, off, imm: 0 };
}

/** `*(u64 *)(dst + off) = src`. */
export function store64(dst: Reg, off: number, src: Reg): Insn {
  return { code: STX | DW | MEM, dst, src, off, imm: 0 };
}

/** `*(u32 *)(dst + off) = imm`. */
export function store32Imm(dst: Reg, off: number, imm: number): Insn {
  return { code: ST | W | MEM, dst, src: 0, off, imm };
}

/** `if (dst op imm) goto +off` (unsigned comparisons). */
export function jumpImm(op: JumpOp, dst: Reg, imm: number, off: number): Insn {
  return { code: JMP | JUMP[op] | K, dst, src: 0, off, imm };
}

/** `goto +off`. */
export function jump(off: number): Insn {
  return { code: JMP | JUMP.ja, dst: 0, src: 0, off, imm: 0 };
}

/** Calls kernel helper number `helper` (arguments in r1–r5, result in r0). */
export function call(helper: number): Insn {
  return { code: JMP | JUMP.call, dst: 0, src: 0, off: 0, imm: helper };
}

/** Returns r0. */
export function exit(): Insn {
  return { code: JMP | JUMP.exit, dst: 0, src: 0, off: 0, imm: 0 };
}

/** `dst = map` by descriptor: two instruction slots. */
export function loadMapFd(dst: Reg, mapFd: number): Insn[] {
  return [
    { code: LD | DW | IMM, dst, src: PSEUDO_MAP_FD, off: 0, imm: mapFd },
    { code: 0, dst: 0, src: 0, off: 0, imm: 0 },
  ];
}

/** Kernel helper numbers (include/uapi/linux/bpf.h, `enum bpf_func_id`). */
export const HELPER = {
  map_lookup_elem: 1,
  get_current_pid_tgid: 14,
  probe_read_user: 112,
  probe_read_kernel: 113,
} as const;

/**
 * A program with named places to jump to: `label(name)` marks the next
 * instruction, and jumps name their target; offsets are resolved by `encode`.
 */
export class Program {
  readonly #insns: (Insn | { to: string; make: (off: number) => Insn })[] = [];
  readonly #labels = new Map<string, number>();

  /** Appends instructions. */
  emit(...insns: (Insn | Insn[])[]): this {
    for (const insn of insns.flat()) this.#insns.push(insn);
    return this;
  }

  /** Appends a jump to `label`, resolved at encoding. */
  jumpTo(label: string, make: (off: number) => Insn = jump): this {
    this.#insns.push({ to: label, make });
    return this;
  }

  /** Marks where the next instruction is. */
  label(name: string): this {
    if (this.#labels.has(name)) throw new Error(`eBPF label "${name}" is defined twice`);
    this.#labels.set(name, this.#insns.length);
    return this;
  }

  /** The number of instruction slots. */
  get length(): number {
    return this.#insns.length;
  }

  /** The program's bytes, with every jump resolved. */
  encode(): Uint8Array<ArrayBuffer> {
    const bytes = new Uint8Array(this.#insns.length * 8);
    const view = new DataView(bytes.buffer);
    this.#insns.forEach((entry, index) => {
      let insn: Insn;
      if ("to" in entry) {
        const target = this.#labels.get(entry.to);
        if (target === undefined) throw new Error(`eBPF jump to unknown label "${entry.to}"`);
        insn = entry.make(target - index - 1);
      } else insn = entry;
      view.setUint8(index * 8, insn.code);
      view.setUint8(index * 8 + 1, ((insn.src & 0xf) << 4) | (insn.dst & 0xf));
      view.setInt16(index * 8 + 2, insn.off, true);
      view.setInt32(index * 8 + 4, insn.imm, true);
    });
    return bytes;
  }
}
