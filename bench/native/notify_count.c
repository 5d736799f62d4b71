/*
 * The benchmark's reference reader: the smallest correct consumer of the
 * kernel's file events, to compare vitrine with. It watches DIR (fanotify:
 * the filesystem holding it, in the same FID mode vitrine uses; inotify: the
 * directory) for the events in MASK (the same bits vitrine subscribes to,
 * so that both read the same queue), waits with poll(2), reads with
 * read(2), counts creations of files, and on SIGTERM (or after SECONDS)
 * prints "CREATES OVERFLOWS".
 *
 *   notify_count fanotify|inotify DIR SECONDS MASK
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop = 0;
static void on_term(int sig) { (void)sig; stop = 1; }

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s fanotify|inotify DIR SECONDS MASK\n", argv[0]);
    return 2;
  }
  const unsigned long mask = strtoul(argv[4], NULL, 0);
  int fan = strcmp(argv[1], "fanotify") == 0;
  int fd;
  if (fan) {
    fd = fanotify_init(FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME, O_RDONLY);
    if (fd < 0 || fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM,
                                mask | FAN_CREATE | FAN_ONDIR, AT_FDCWD, argv[2]) < 0) {
      perror("fanotify");
      return 1;
    }
  } else {
    fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd < 0 || inotify_add_watch(fd, argv[2], (uint32_t)mask | IN_CREATE) < 0) {
      perror("inotify");
      return 1;
    }
  }
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  const double until = now() + atof(argv[3]);
  static char buffer[256 * 1024] __attribute__((aligned(8)));
  long creates = 0, overflows = 0;
  struct pollfd pfd = {.fd = fd, .events = POLLIN};
  /* Started: the caller may begin generating now. */
  printf("ready\n");
  fflush(stdout);
  while (!stop && now() < until) {
    if (poll(&pfd, 1, 100) <= 0) continue;
    for (;;) {
      ssize_t n = read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      for (char *p = buffer; p < buffer + n;) {
        if (fan) {
          struct fanotify_event_metadata *m = (void *)p;
          if (m->mask & FAN_Q_OVERFLOW) overflows++;
          else if ((m->mask & FAN_CREATE) && !(m->mask & FAN_ONDIR)) creates++;
          p += m->event_len;
        } else {
          struct inotify_event *e = (void *)p;
          if (e->mask & IN_Q_OVERFLOW) overflows++;
          else if ((e->mask & IN_CREATE) && !(e->mask & IN_ISDIR)) creates++;
          p += sizeof *e + e->len;
        }
      }
    }
  }
  printf("%ld %ld\n", creates, overflows);
  return 0;
}
