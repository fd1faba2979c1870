// The Linux calls WasiPreview1 needs that Swift cannot reach through Glibc.
//
// openat2(2) has no glibc wrapper and Swift cannot call the variadic syscall(), so
// a static inline function does it here. Header-only because WasiSys is a system
// library target (no sources of its own). See docs/wasi.md for why every guest
// path goes through openat2 with RESOLVE_BENEATH.
#ifndef WASMBPF_WASISYS_H
#define WASMBPF_WASISYS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/// Resolution flags every guest path uses: never above the directory fd (no
/// absolute paths, no `..` past it, no symlink leading out), no /proc magic links.
static const uint64_t wasi_resolve_contained = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;

/// openat2(dirfd, path, {flags, mode, resolve}); returns the fd or -1 with errno set.
static inline int wasi_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode,
                               uint64_t resolve) {
  struct open_how how = {.flags = flags, .mode = mode, .resolve = resolve};
  long result = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
  return (int)result;
}

/// O_PATH, which glibc's headers hide without _GNU_SOURCE (same value on every Linux
/// architecture but alpha/parisc/sparc).
#ifndef O_PATH
#define O_PATH 010000000
#endif
static const int wasi_o_path = O_PATH;

/// accept4(2), declared by glibc only under _GNU_SOURCE.
static inline int wasi_accept4(int fd, int flags) {
  return (int)syscall(SYS_accept4, fd, (void *)0, (void *)0, flags);
}

/// UTIME_NOW / UTIME_OMIT as values (the macros are expressions Swift may not import).
static inline long wasi_utime_now(void) { return UTIME_NOW; }
static inline long wasi_utime_omit(void) { return UTIME_OMIT; }

#endif
