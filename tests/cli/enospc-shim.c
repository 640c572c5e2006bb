/* tests only: a full disk, loaded with LD_PRELOAD into interp-run.
 *
 *   INTERP_TEST_ENOSPC_DIR=DIR INTERP_TEST_ENOSPC_AFTER=N LD_PRELOAD=.../enospc-shim.so
 *
 * write(), pwrite(), writev() and fwrite() to files under DIR succeed for the
 * first N bytes in all (the write that crosses N is cut short, as on a disk
 * that fills up), then fail with ENOSPC.  Other files are untouched.  Without
 * both variables the shim does nothing. */
#include "config.h"

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define EXPORT __attribute__ ((visibility ("default")))

static char dir[PATH_MAX];
static size_t dir_len;
static long long budget = -1;  /* bytes still allowed under dir; -1: shim off */
static int configured;

static void
configure (void)
{
  if (__atomic_load_n (&configured, __ATOMIC_ACQUIRE))
    return;
  const char *d = getenv ("INTERP_TEST_ENOSPC_DIR");
  const char *n = getenv ("INTERP_TEST_ENOSPC_AFTER");
  if (d && n && realpath (d, dir))
    {
      dir_len = strlen (dir);
      budget = strtoll (n, NULL, 10);
    }
  __atomic_store_n (&configured, 1, __ATOMIC_RELEASE);
}

/* Whether `fd` is a file under dir. */
static int
under_dir (int fd)
{
  char link[64], path[PATH_MAX];
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink (link, path, sizeof path - 1);
  if (n <= 0)
    return 0;
  path[n] = '\0';
  return (size_t) n > dir_len && strncmp (path, dir, dir_len) == 0 && path[dir_len] == '/';
}

/* How many of `len` bytes to `fd` may be written: len for other files, else
 * what is left of the budget; 0 with errno = ENOSPC once it is spent. */
static size_t
allowed (int fd, size_t len)
{
  configure ();
  if (budget < 0 || len == 0 || !under_dir (fd))
    return len;
  long long left = __atomic_load_n (&budget, __ATOMIC_RELAXED);
  size_t take = left <= 0 ? 0 : (size_t) left < len ? (size_t) left : len;
  __atomic_sub_fetch (&budget, (long long) take, __ATOMIC_RELAXED);
  if (take == 0)
    errno = ENOSPC;
  return take;
}

EXPORT ssize_t
write (int fd, const void *buf, size_t len)
{
  static ssize_t (*real) (int, const void *, size_t);
  if (real == NULL)
    real = (ssize_t (*) (int, const void *, size_t)) dlsym (RTLD_NEXT, "write");
  size_t take = allowed (fd, len);
  if (take == 0 && len > 0)
    return -1;
  return real (fd, buf, take);
}

EXPORT ssize_t
pwrite (int fd, const void *buf, size_t len, off_t offset)
{
  static ssize_t (*real) (int, const void *, size_t, off_t);
  if (real == NULL)
    real = (ssize_t (*) (int, const void *, size_t, off_t)) dlsym (RTLD_NEXT, "pwrite");
  size_t take = allowed (fd, len);
  if (take == 0 && len > 0)
    return -1;
  return real (fd, buf, take, offset);
}

EXPORT ssize_t
writev (int fd, const struct iovec *iov, int n)
{
  static ssize_t (*real) (int, const struct iovec *, int);
  if (real == NULL)
    real = (ssize_t (*) (int, const struct iovec *, int)) dlsym (RTLD_NEXT, "writev");
  size_t len = 0;
  for (int i = 0; i < n; i++)
    len += iov[i].iov_len;
  size_t take = allowed (fd, len);
  if (take == 0 && len > 0)
    return -1;
  if (take == len)
    return real (fd, iov, n);
  /* Cut short: the first `take` bytes only. */
  ssize_t done = 0;
  for (int i = 0; i < n && take > 0; i++)
    {
      size_t part = iov[i].iov_len < take ? iov[i].iov_len : take;
      ssize_t w = real (fd, &(struct iovec) { iov[i].iov_base, part }, 1);
      if (w < 0)
        return done ? done : -1;
      done += w;
      take -= part;
    }
  return done;
}

EXPORT size_t
fwrite (const void *buf, size_t size, size_t count, FILE *fp)
{
  static size_t (*real) (const void *, size_t, size_t, FILE *);
  if (real == NULL)
    real = (size_t (*) (const void *, size_t, size_t, FILE *)) dlsym (RTLD_NEXT, "fwrite");
  if (size == 0 || count == 0)
    return real (buf, size, count, fp);
  size_t take = allowed (fileno (fp), size * count);
  if (take < size * count)
    {
      size_t whole = take / size;
      size_t w = whole ? real (buf, size, whole, fp) : 0;
      errno = ENOSPC;
      return w;
    }
  return real (buf, size, count, fp);
}
