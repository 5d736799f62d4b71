/*
 * The file-activity benchmark's native half, in three modes.
 *
 *   notify_bench flood DIR SECONDS
 *     Creates distinct empty files in DIR as fast as it can for SECONDS,
 *     then prints how many. Distinct names matter: fanotify merges queued
 *     events on one file.
 *
 *   notify_bench churn DIR SECONDS RATE
 *     Creates, writes and removes distinct files at RATE a second for
 *     SECONDS (a sustained load that leaves nothing behind), then prints
 *     how many.
 *
 *   notify_bench count fanotify|inotify DIR SECONDS MASK
 *     The smallest correct consumer of the kernel's file events, to compare
 *     vitrine with. It watches DIR (fanotify: the filesystem holding it, in
 *     the FID mode vitrine uses; inotify: the directory) for the bits in MASK
 *     (those vitrine subscribes to, so both read the same queue), waits with
 *     poll(2), reads with read(2), counts file creations, and on SIGTERM (or
 *     after SECONDS) prints "CREATES OVERFLOWS".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
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

/* Creates the file DIR/<prefix><n> for writing; -1 (reported) when it cannot. */
static int create_numbered(char *path, size_t size, const char *dir, char prefix, long n) {
  snprintf(path, size, "%s/%c%ld", dir, prefix, n);
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) perror(path);
  return fd;
}

static int flood(const char *dir, double seconds) {
  const double until = now() + seconds;
  char path[4096];
  long made = 0;
  while (now() < until) {
    /* The clock is read every hundred files: cheap, but not free. */
    for (int i = 0; i < 100; i++) {
      int fd = create_numbered(path, sizeof path, dir, 'f', made);
      if (fd < 0) return 1;
      close(fd);
      made++;
    }
  }
  printf("%ld\n", made);
  return 0;
}

static int churn(const char *dir, double seconds, double rate) {
  const double start = now();
  char path[4096];
  long made = 0;
  while (now() - start < seconds) {
    /* Paced in steps of 100: ahead of the rate, sleep until it catches up. */
    double due = start + made / rate;
    double wait = due - now();
    if (wait > 0) {
      struct timespec ts = {(time_t)wait, (long)((wait - (time_t)wait) * 1e9)};
      nanosleep(&ts, NULL);
    }
    for (int i = 0; i < 100; i++) {
      int fd = create_numbered(path, sizeof path, dir, 'c', made);
      if (fd < 0) return 1;
      if (write(fd, "x", 1) < 0) perror(path);
      close(fd);
      unlink(path);
      made++;
    }
  }
  printf("%ld\n", made);
  return 0;
}

static int open_queue(int fan) {
  if (fan) {
    return fanotify_init(FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME, O_RDONLY);
  }
  return inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
}

static int count(int fan, const char *dir, double seconds, unsigned long mask) {
  int fd = open_queue(fan);
  int marked = fd < 0 ? -1
             : fan ? fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM,
                                   mask | FAN_CREATE | FAN_ONDIR, AT_FDCWD, dir)
                   : inotify_add_watch(fd, dir, (uint32_t)mask | IN_CREATE);
  if (marked < 0) {
    perror(fan ? "fanotify" : "inotify");
    return 1;
  }
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  const double until = now() + seconds;
  static char buffer[256 * 1024] __attribute__((aligned(8)));
  long creates = 0, overflows = 0;
  struct pollfd pfd = {.fd = fd, .events = POLLIN};
  /* Watching: the caller may start generating now. */
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

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "flood") == 0) return flood(argv[2], atof(argv[3]));
  if (argc == 5 && strcmp(argv[1], "churn") == 0) {
    return churn(argv[2], atof(argv[3]), atof(argv[4]));
  }
  if (argc == 6 && strcmp(argv[1], "count") == 0 &&
      (strcmp(argv[2], "fanotify") == 0 || strcmp(argv[2], "inotify") == 0)) {
    return count(strcmp(argv[2], "fanotify") == 0, argv[3], atof(argv[4]),
                 strtoul(argv[5], NULL, 0));
  }
  fprintf(stderr,
          "usage: %s flood DIR SECONDS\n"
          "       %s churn DIR SECONDS RATE\n"
          "       %s count fanotify|inotify DIR SECONDS MASK\n",
          argv[0], argv[0], argv[0]);
  return 2;
}
