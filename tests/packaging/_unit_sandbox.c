/*
 * Runs a command under the restrictions of vitrine.service that seccomp can
 * reproduce without systemd as PID 1: the system-call allow list, the
 * address families, and MemoryDenyWriteExecute (the same rules systemd
 * installs for it). The test builds it with gcc and links libseccomp.so.2.
 *
 * usage: unit_sandbox ALLOWED_SYSCALLS_FILE FAMILIES COMMAND [ARG...]
 *   FAMILIES: comma-separated socket(2) domains, as numbers ("1,2,10").
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libseccomp's interface (seccomp.h is not installed, the library is). */
typedef void *scmp_filter_ctx;
typedef uint64_t scmp_datum_t;
struct scmp_arg_cmp {
  unsigned int arg;
  int op;
  scmp_datum_t datum_a;
  scmp_datum_t datum_b;
};
enum { CMP_EQ = 4, CMP_MASKED_EQ = 7 };
#define ACT_ALLOW 0x7fff0000U
#define ACT_ERRNO(x) (0x00050000U | ((x) & 0x0000ffffU))
scmp_filter_ctx seccomp_init(uint32_t def_action);
int seccomp_rule_add_array(scmp_filter_ctx ctx, uint32_t action, int syscall, unsigned int arg_cnt,
                           const struct scmp_arg_cmp *arg_array);
int seccomp_syscall_resolve_name(const char *name);
int seccomp_load(scmp_filter_ctx ctx);

#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define SHM_EXEC 0100000

static void rule(scmp_filter_ctx ctx, const char *name, unsigned count, struct scmp_arg_cmp *cmp) {
  int nr = seccomp_syscall_resolve_name(name);
  if (nr < 0) return;
  int rc = seccomp_rule_add_array(ctx, ACT_ALLOW, nr, count, cmp);
  if (rc < 0) {
    fprintf(stderr, "unit_sandbox: rule for %s: %s\n", name, strerror(-rc));
    exit(125);
  }
}

/* Calls whose arguments are checked: the unconditional list leaves them out. */
static int conditional(const char *name) {
  return !strcmp(name, "mmap") || !strcmp(name, "mprotect") || !strcmp(name, "pkey_mprotect") ||
         !strcmp(name, "shmat") || !strcmp(name, "socket");
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: unit_sandbox ALLOWED_FILE FAMILIES COMMAND [ARG...]\n");
    return 125;
  }
  scmp_filter_ctx ctx = seccomp_init(ACT_ERRNO(EPERM));
  if (!ctx) return 125;
  FILE *list = fopen(argv[1], "r");
  if (!list) {
    perror(argv[1]);
    return 125;
  }
  char name[128];
  int socket_allowed = 0, mmap_allowed = 0, mprotect_allowed = 0, pkey_allowed = 0,
      shmat_allowed = 0;
  while (fscanf(list, "%127s", name) == 1) {
    if (!strcmp(name, "socket")) socket_allowed = 1;
    if (!strcmp(name, "mmap")) mmap_allowed = 1;
    if (!strcmp(name, "mprotect")) mprotect_allowed = 1;
    if (!strcmp(name, "pkey_mprotect")) pkey_allowed = 1;
    if (!strcmp(name, "shmat")) shmat_allowed = 1;
    if (!conditional(name)) rule(ctx, name, 0, NULL);
  }
  fclose(list);
  /* RestrictAddressFamilies: socket() only for the listed domains. */
  if (socket_allowed) {
    char *families = strdup(argv[2]);
    for (char *f = strtok(families, ","); f; f = strtok(NULL, ",")) {
      struct scmp_arg_cmp cmp = {0, CMP_EQ, (scmp_datum_t)atoi(f), 0};
      rule(ctx, "socket", 1, &cmp);
    }
  }
  /* MemoryDenyWriteExecute: no mapping both writable and executable, no
     PROT_EXEC added later, no executable shared memory. */
  if (mmap_allowed) {
    scmp_datum_t ok[] = {0, PROT_WRITE, PROT_EXEC};
    for (int i = 0; i < 3; i++) {
      struct scmp_arg_cmp cmp = {2, CMP_MASKED_EQ, PROT_WRITE | PROT_EXEC, ok[i]};
      rule(ctx, "mmap", 1, &cmp);
    }
  }
  struct scmp_arg_cmp no_exec = {2, CMP_MASKED_EQ, PROT_EXEC, 0};
  if (mprotect_allowed) rule(ctx, "mprotect", 1, &no_exec);
  if (pkey_allowed) rule(ctx, "pkey_mprotect", 1, &no_exec);
  struct scmp_arg_cmp no_shm_exec = {2, CMP_MASKED_EQ, SHM_EXEC, 0};
  if (shmat_allowed) rule(ctx, "shmat", 1, &no_shm_exec);
  int rc = seccomp_load(ctx);
  if (rc < 0) {
    fprintf(stderr, "unit_sandbox: seccomp_load: %s\n", strerror(-rc));
    return 125;
  }
  execv(argv[3], argv + 3);
  perror(argv[3]);
  return 126;
}
