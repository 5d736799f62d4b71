// The numbers of the Linux (x86-64 and arm64 share them) C interface that
// the FFI wrappers pass or compare: written once, here.

/** open(2) flags. */
export const O = {
  RDONLY: 0,
  WRONLY: 0o1,
  RDWR: 0o2,
  CREAT: 0o100,
  NOCTTY: 0o400,
  NONBLOCK: 0o4000,
  LARGEFILE: 0o100000,
  DIRECTORY: 0o200000,
  NOFOLLOW: 0o400000,
  CLOEXEC: 0o2000000,
  PATH: 0o10000000,
} as const;

/** openat2(2): its system call number (the same on x86-64 and arm64) and resolve flags. */
export const OPENAT2 = {
  SYSCALL: 437,
  /** Size of struct open_how { u64 flags; u64 mode; u64 resolve; }. */
  HOW_BYTES: 24,
  RESOLVE_NO_MAGICLINKS: 0x02,
  RESOLVE_NO_SYMLINKS: 0x04,
} as const;

/** The *at(2) calls' special directory and flags. */
export const AT = {
  FDCWD: -100,
  SYMLINK_NOFOLLOW: 0x100,
  EMPTY_PATH: 0x1000,
} as const;

/** The Unix socket address family (socket(2), sockaddr_un). */
export const AF_UNIX = 1;

/** socket(2) types and flags. */
export const SOCK = {
  DGRAM: 2,
  CLOEXEC: 0o2000000,
} as const;

/** send(2) flag: a closed peer is an EPIPE error, never a SIGPIPE that ends the process. */
export const MSG_NOSIGNAL = 0x4000;

/** poll(2) event bits. */
export const POLL = {
  IN: 0x1,
  PRI: 0x2,
  ERR: 0x8,
  HUP: 0x10,
  NVAL: 0x20,
} as const;

/** errno values, by name (asm-generic/errno-base.h and errno.h). */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOSPC: 28,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  E2BIG: 7,
  ELOOP: 40,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  ECONNREFUSED: 111,
  ESTALE: 116,
} as const;

/** File type bits of st_mode / stx_mode. */
export const S_IFMT = 0o170000;
