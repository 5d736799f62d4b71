/*
 * The benchmark's file generator: creates distinct empty files in DIR, as
 * fast as it can, for SECONDS, then prints how many it created. Distinct
 * names matter: fanotify merges queued events on one file.
 *
 *   file_flood DIR SECONDS
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s DIR SECONDS\n", argv[0]);
    return 2;
  }
  const double until = now() + atof(argv[2]);
  char path[4096];
  long count = 0;
  while (now() < until) {
    /* Check the clock every hundred files: it is cheap, but not free. */
    for (int i = 0; i < 100; i++) {
      snprintf(path, sizeof path, "%s/f%ld", argv[1], count);
      int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (fd < 0) {
        perror(path);
        return 1;
      }
      close(fd);
      count++;
    }
  }
  printf("%ld\n", count);
  return 0;
}
