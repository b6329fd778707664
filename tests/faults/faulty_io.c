/* An LD_PRELOAD shim that makes one file misbehave, for the fault tests (tests/scan/test_faults.py,
 * tests/robustness/test_bad_inputs.py). The file is the one whose path ends with
 * $TRACKPRINT_FAULT_PATH; $TRACKPRINT_FAULT says what happens once a read() of it reaches byte
 * $TRACKPRINT_FAULT_AFTER (default 0):
 *   eio     every read() from there fails with EIO (a bad sector, a dropped network share)
 *   touch   the file's mtime moves on (it is being rewritten while read)
 *   unlink  the file is deleted (it disappears while read; the open descriptor still reads)
 *   crash   the process dies of SIGSEGV, as a defect in a linked C library would make it
 * Only the descriptors open() returns for that path are touched; everything else passes through. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FD 4096

static char targeted[MAX_FD];
static char done_once[MAX_FD];
static char target_path[4096];

static int matches(const char* path) {
  const char* want = getenv("TRACKPRINT_FAULT_PATH");
  if (want == NULL || path == NULL) return 0;
  size_t n = strlen(path), m = strlen(want);
  return m > 0 && n >= m && strcmp(path + n - m, want) == 0;
}

static int track(int fd, const char* path) {
  if (fd >= 0 && fd < MAX_FD && matches(path)) {
    targeted[fd] = 1;
    done_once[fd] = 0;
    strncpy(target_path, path, sizeof target_path - 1);
  } else if (fd >= 0 && fd < MAX_FD) {
    targeted[fd] = 0;
  }
  return fd;
}

#define OPEN_WRAPPER(name, ...)                                         \
  int name(__VA_ARGS__, int flags, ...) {                              \
    mode_t mode = 0;                                                   \
    if (flags & (O_CREAT | O_TMPFILE)) {                               \
      va_list ap;                                                      \
      va_start(ap, flags);                                             \
      mode = va_arg(ap, mode_t);                                       \
      va_end(ap);                                                      \
    }

OPEN_WRAPPER(open, const char* path)
  static int (*real)(const char*, int, ...);
  if (real == NULL) real = dlsym(RTLD_NEXT, "open");
  return track(real(path, flags, mode), path);
}
OPEN_WRAPPER(open64, const char* path)
  static int (*real)(const char*, int, ...);
  if (real == NULL) real = dlsym(RTLD_NEXT, "open64");
  return track(real(path, flags, mode), path);
}
OPEN_WRAPPER(openat, int dir, const char* path)
  static int (*real)(int, const char*, int, ...);
  if (real == NULL) real = dlsym(RTLD_NEXT, "openat");
  return track(real(dir, path, flags, mode), path);
}
OPEN_WRAPPER(openat64, int dir, const char* path)
  static int (*real)(int, const char*, int, ...);
  if (real == NULL) real = dlsym(RTLD_NEXT, "openat64");
  return track(real(dir, path, flags, mode), path);
}

ssize_t read(int fd, void* buf, size_t count) {
  static ssize_t (*real)(int, void*, size_t);
  if (real == NULL) real = dlsym(RTLD_NEXT, "read");
  if (fd < 0 || fd >= MAX_FD || !targeted[fd]) return real(fd, buf, count);
  const char* fault = getenv("TRACKPRINT_FAULT");
  const char* after_text = getenv("TRACKPRINT_FAULT_AFTER");
  const off_t after = after_text != NULL ? (off_t)atoll(after_text) : 0;
  const off_t at = lseek(fd, 0, SEEK_CUR);
  if (fault == NULL || at < after) return real(fd, buf, count);
  if (strcmp(fault, "eio") == 0) {
    errno = EIO;
    return -1;
  }
  if (strcmp(fault, "crash") == 0) {
    volatile int* nowhere = NULL;
    *nowhere = 1;
  }
  if (!done_once[fd]) {
    done_once[fd] = 1;
    if (strcmp(fault, "touch") == 0) {
      struct timespec times[2] = {{0, UTIME_OMIT}, {1000000000, 0}};  /* 2001, never "now" */
      futimens(fd, times);
    } else if (strcmp(fault, "unlink") == 0) {
      unlink(target_path);
    }
  }
  return real(fd, buf, count);
}
