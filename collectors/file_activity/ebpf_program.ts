/**
 * The eBPF program that counts file activity inside the kernel: attached to
 * the raw tracepoint `sys_enter`, it adds one to a per-CPU counter indexed by
 * the system call's number, and to a few extra slots that an argument tells
 * apart (an open that may create, a directory removed through unlinkat, a
 * thread rather than a process). Nothing per event reaches user space; the
 * agent reads the summed counters once per interval.
 *
 * The numbers are x86-64's (arch/x86/entry/syscalls/syscall_64.tbl), where
 * vitrine's package runs; elsewhere the sensor says it is not available.
 *
 * @module
 */
import {
  aluImm,
  aluReg,
  call,
  exit,
  HELPER,
  jumpImm,
  load64,
  loadMapFd,
  Program,
  store32Imm,
  store64,
} from "../../ffi/bpf_insn.ts";

/** The system calls the counters name, by their x86-64 numbers. */
export const SYSCALLS_X86_64 = {
  read: 0,
  write: 1,
  open: 2,
  close: 3,
  stat: 4,
  fstat: 5,
  lstat: 6,
  pread64: 17,
  pwrite64: 18,
  readv: 19,
  writev: 20,
  clone: 56,
  fork: 57,
  vfork: 58,
  execve: 59,
  truncate: 76,
  ftruncate: 77,
  rename: 82,
  mkdir: 83,
  rmdir: 84,
  creat: 85,
  link: 86,
  unlink: 87,
  symlink: 88,
  chmod: 90,
  fchmod: 91,
  chown: 92,
  fchown: 93,
  lchown: 94,
  utime: 132,
  mknod: 133,
  mount: 165,
  umount2: 166,
  setxattr: 188,
  lsetxattr: 189,
  fsetxattr: 190,
  getxattr: 191,
  lgetxattr: 192,
  fgetxattr: 193,
  listxattr: 194,
  llistxattr: 195,
  flistxattr: 196,
  removexattr: 197,
  lremovexattr: 198,
  fremovexattr: 199,
  utimes: 235,
  openat: 257,
  mkdirat: 258,
  mknodat: 259,
  fchownat: 260,
  futimesat: 261,
  newfstatat: 262,
  unlinkat: 263,
  renameat: 264,
  linkat: 265,
  symlinkat: 266,
  fchmodat: 268,
  utimensat: 280,
  fallocate: 285,
  preadv: 295,
  pwritev: 296,
  renameat2: 316,
  execveat: 322,
  preadv2: 327,
  pwritev2: 328,
  statx: 332,
  move_mount: 429,
  clone3: 435,
  openat2: 437,
  fchmodat2: 452,
  setxattrat: 463,
  getxattrat: 464,
  listxattrat: 465,
  removexattrat: 466,
} as const;

/** A system call the counters can name. */
export type SyscallName = keyof typeof SYSCALLS_X86_64;

/** Slots after the 512 system-call slots, each counting calls that an argument singles out. */
export const EXTRA_SLOTS = {
  /** open, openat or openat2 with O_CREAT: the file may be created. */
  open_create: 512,
  /** unlinkat with AT_REMOVEDIR: a directory removed. */
  unlinkat_dir: 513,
  /** clone or clone3 with CLONE_THREAD: a thread, not a process. */
  clone_thread: 514,
} as const;

/** A slot the counters can name besides the system calls. */
export type ExtraSlot = keyof typeof EXTRA_SLOTS;

/** Counter slots in the map's value: one per system-call number below 512, then the extras. */
export const SLOTS = 515;

const SYSCALL_SLOTS = 512;
const O_CREAT = 0o100;
const AT_REMOVEDIR = 0x200;
const CLONE_THREAD = 0x10000;

/** Where x86-64's `struct pt_regs` keeps the first three system-call arguments. */
const REGS = { di: 112, si: 104, dx: 96 } as const;

/** What to look at for a call whose argument decides an extra slot. */
interface ArgumentCheck {
  syscall: SyscallName;
  /** The register holding the argument (or, with `user`, a pointer to a struct whose first u64 it is). */
  register: keyof typeof REGS;
  user: boolean;
  flag: number;
  slot: ExtraSlot;
}

const CHECKS: readonly ArgumentCheck[] = [
  { syscall: "open", register: "si", user: false, flag: O_CREAT, slot: "open_create" },
  { syscall: "openat", register: "dx", user: false, flag: O_CREAT, slot: "open_create" },
  // openat2(dirfd, path, struct open_how *how, size): how->flags is its first u64.
  { syscall: "openat2", register: "dx", user: true, flag: O_CREAT, slot: "open_create" },
  { syscall: "unlinkat", register: "dx", user: false, flag: AT_REMOVEDIR, slot: "unlinkat_dir" },
  { syscall: "clone", register: "di", user: false, flag: CLONE_THREAD, slot: "clone_thread" },
  // clone3(struct clone_args *args, size): args->flags is its first u64.
  { syscall: "clone3", register: "di", user: true, flag: CLONE_THREAD, slot: "clone_thread" },
];

/** Adds one to the u64 at `base + offset` (r3 scratch). */
function bump(program: Program, base: 6 | 7 | 8, offset: number): void {
  program.emit(load64(3, base, offset), aluImm("add", 3, 1), store64(base, offset, 3));
}

/**
 * Reads the argument of `check` into r1 (through the kernel's copy of the
 * registers, then, for a struct, the caller's memory), or jumps to `out`.
 */
function readArgument(program: Program, check: ArgumentCheck): void {
  program.emit(
    aluReg("mov", 1, 10),
    aluImm("add", 1, -16),
    aluImm("mov", 2, 8),
    load64(3, 6, 0), // ctx->args[0]: struct pt_regs *
    aluImm("add", 3, REGS[check.register]),
    call(HELPER.probe_read_kernel),
  );
  program.jumpTo("out", (off) => jumpImm("jne", 0, 0, off));
  program.emit(load64(1, 10, -16));
  if (!check.user) return;
  program.emit(
    aluReg("mov", 3, 1),
    aluReg("mov", 1, 10),
    aluImm("add", 1, -16),
    aluImm("mov", 2, 8),
    call(HELPER.probe_read_user),
  );
  program.jumpTo("out", (off) => jumpImm("jne", 0, 0, off));
  program.emit(load64(1, 10, -16));
}

/**
 * The counting program for the per-CPU map `mapFd`, leaving out the calls
 * of the process `ownTgid` (the agent's own work is not the machine's).
 */
export function countingProgram(mapFd: number, ownTgid: number): Program {
  const program = new Program();
  program.emit(aluReg("mov", 6, 1), call(HELPER.get_current_pid_tgid), aluImm("rsh", 0, 32));
  program.jumpTo("out", (off) => jumpImm("jeq", 0, ownTgid, off));
  program.emit(load64(7, 6, 8)); // ctx->args[1]: the system call's number
  program.jumpTo("out", (off) => jumpImm("jgt", 7, SYSCALL_SLOTS - 1, off));
  program.emit(store32Imm(10, -4, 0), loadMapFd(1, mapFd), aluReg("mov", 2, 10));
  program.emit(aluImm("add", 2, -4), call(HELPER.map_lookup_elem));
  program.jumpTo("out", (off) => jumpImm("jeq", 0, 0, off));
  program.emit(aluReg("mov", 8, 0), aluReg("mov", 2, 7), aluImm("lsh", 2, 3));
  program.emit(aluReg("mov", 1, 8), aluReg("add", 1, 2));
  program.emit(load64(3, 1, 0), aluImm("add", 3, 1), store64(1, 0, 3));
  for (const check of CHECKS) {
    program.jumpTo(
      `check_${check.syscall}`,
      (off) => jumpImm("jeq", 7, SYSCALLS_X86_64[check.syscall], off),
    );
  }
  program.jumpTo("out");
  for (const check of CHECKS) {
    program.label(`check_${check.syscall}`);
    readArgument(program, check);
    program.jumpTo(`bump_${check.syscall}`, (off) => jumpImm("jset", 1, check.flag, off));
    program.jumpTo("out");
    program.label(`bump_${check.syscall}`);
    bump(program, 8, EXTRA_SLOTS[check.slot] * 8);
    program.jumpTo("out");
  }
  program.label("out").emit(aluImm("mov", 0, 0), exit());
  return program;
}
