/**
 * The libc symbol table: every foreign function vitrine calls, in one place.
 *
 * Each entry carries the C prototype it binds as a comment. Only
 * {@link ./libc.ts} opens the library with this table.
 *
 * @module
 */

/** The symbols vitrine binds from libc. */
export const LIBC_SYMBOLS = {
  /** int *__errno_location(void); */
  __errno_location: { parameters: [], result: "pointer" },
  /** int sysinfo(struct sysinfo *info); */
  sysinfo: { parameters: ["buffer"], result: "i32" },
  /** int statvfs(const char *path, struct statvfs *buf); */
  statvfs: { parameters: ["buffer", "buffer"], result: "i32" },
  /** int uname(struct utsname *buf); */
  uname: { parameters: ["buffer"], result: "i32" },
  /** int gethostname(char *name, size_t len); */
  gethostname: { parameters: ["buffer", "usize"], result: "i32" },
  /** int getrusage(int who, struct rusage *usage); */
  getrusage: { parameters: ["i32", "buffer"], result: "i32" },
  /** int malloc_trim(size_t pad); glibc's, so optional: other C libraries lack it. */
  malloc_trim: { parameters: ["usize"], result: "i32", optional: true },
  /** long sysconf(int name); */
  sysconf: { parameters: ["i32"], result: "i64" },
  /** int kill(pid_t pid, int sig); */
  kill: { parameters: ["i32", "i32"], result: "i32" },
  /** uid_t geteuid(void); */
  geteuid: { parameters: [], result: "u32" },
  /** int open(const char *pathname, int flags, mode_t mode); */
  open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  /** int openat(int dirfd, const char *pathname, int flags, mode_t mode); */
  openat: { parameters: ["i32", "buffer", "i32", "u32"], result: "i32" },
  /**
   * long syscall(long number, ...); bound for openat2(2), which glibc 2.36
   * does not wrap: int openat2(int dirfd, const char *path, struct open_how *how, size_t size).
   */
  syscall_openat2: {
    name: "syscall",
    parameters: ["i64", "i32", "buffer", "buffer", "usize"],
    result: "i64",
  },
  /**
   * long syscall(long number, ...); bound for bpf(2), which glibc does not
   * wrap: int bpf(int cmd, union bpf_attr *attr, unsigned int size).
   */
  syscall_bpf: {
    name: "syscall",
    parameters: ["i64", "i32", "buffer", "u32"],
    result: "i64",
  },
  /**
   * long syscall(long number, ...); bound for pidfd_open(2) (number 434 on
   * every architecture): int pidfd_open(pid_t pid, unsigned int flags).
   */
  syscall_pidfd_open: {
    name: "syscall",
    parameters: ["i64", "i32", "u32"],
    result: "i64",
  },
  /** int close(int fd); */
  close: { parameters: ["i32"], result: "i32" },
  /** ssize_t read(int fd, void *buf, size_t count); */
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  /** int statx(int dirfd, const char *pathname, int flags, unsigned int mask, struct statx *statxbuf); */
  statx: { parameters: ["i32", "buffer", "i32", "u32", "buffer"], result: "i32" },
  /** int flock(int fd, int operation); */
  flock: { parameters: ["i32", "i32"], result: "i32" },
  /** int poll(struct pollfd *fds, nfds_t nfds, int timeout); */
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  /** int poll(struct pollfd *fds, nfds_t nfds, int timeout); on another thread: the agent waits for readiness without blocking. */
  poll_in_background: {
    name: "poll",
    parameters: ["buffer", "u64", "i32"],
    result: "i32",
    nonblocking: true,
  },
  /** ssize_t pread(int fd, void *buf, size_t count, off_t offset); on another thread, so a caller can give up waiting. */
  pread_in_background: {
    name: "pread",
    parameters: ["i32", "buffer", "usize", "i64"],
    result: "isize",
    nonblocking: true,
  },
  /** ssize_t write(int fd, const void *buf, size_t count); */
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  /** int socket(int domain, int type, int protocol); */
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  /** ssize_t sendto(int sockfd, const void *buf, size_t len, int flags, const struct sockaddr *dest_addr, socklen_t addrlen); */
  sendto: {
    parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"],
    result: "isize",
  },
  /** int eventfd(unsigned int initval, int flags); */
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  /** ssize_t readlink(const char *pathname, char *buf, size_t bufsiz); */
  readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
  /** int fanotify_init(unsigned int flags, unsigned int event_f_flags); */
  fanotify_init: { parameters: ["u32", "u32"], result: "i32" },
  /** int fanotify_mark(int fd, unsigned int flags, uint64_t mask, int dirfd, const char *pathname); */
  fanotify_mark: {
    parameters: ["i32", "u32", "u64", "i32", "buffer"],
    result: "i32",
  },
  /** int open_by_handle_at(int mount_fd, struct file_handle *handle, int flags); */
  open_by_handle_at: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  /** int inotify_init1(int flags); */
  inotify_init1: { parameters: ["i32"], result: "i32" },
  /** int inotify_add_watch(int fd, const char *pathname, uint32_t mask); */
  inotify_add_watch: { parameters: ["i32", "buffer", "u32"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;
