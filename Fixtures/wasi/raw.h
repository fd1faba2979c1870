// Direct declarations of wasi_snapshot_preview1 imports with raw (pointer, length)
// arguments, so guests can pass what libc never would: embedded NULs, bad
// pointers, out-of-range lengths.
#ifndef WASI_FIXTURE_RAW_H
#define WASI_FIXTURE_RAW_H
#include <stdint.h>
#include <string.h>

#define RAW(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

RAW(path_open) int32_t raw_path_open(int32_t fd, int32_t dirflags, const char *path, int32_t path_len,
                                     int32_t oflags, int64_t base, int64_t inheriting,
                                     int32_t fdflags, uint32_t *fd_out);
RAW(path_create_directory) int32_t raw_mkdir(int32_t fd, const char *path, int32_t len);
RAW(path_remove_directory) int32_t raw_rmdir(int32_t fd, const char *path, int32_t len);
RAW(path_unlink_file) int32_t raw_unlink(int32_t fd, const char *path, int32_t len);
RAW(path_rename) int32_t raw_rename(int32_t fd, const char *old, int32_t old_len, int32_t new_fd,
                                    const char *new_path, int32_t new_len);
RAW(path_link) int32_t raw_link(int32_t fd, int32_t flags, const char *old, int32_t old_len,
                                int32_t new_fd, const char *new_path, int32_t new_len);
RAW(path_symlink) int32_t raw_symlink(const char *old, int32_t old_len, int32_t fd,
                                      const char *new_path, int32_t new_len);
RAW(path_readlink) int32_t raw_readlink(int32_t fd, const char *path, int32_t len, char *buf,
                                        int32_t buf_len, uint32_t *used);
RAW(path_filestat_get) int32_t raw_stat(int32_t fd, int32_t flags, const char *path, int32_t len,
                                        void *out);
RAW(path_filestat_set_times) int32_t raw_utimes(int32_t fd, int32_t flags, const char *path,
                                                int32_t len, int64_t atim, int64_t mtim,
                                                int32_t fst);
RAW(fd_write) int32_t raw_fd_write(int32_t fd, uint32_t iovs, uint32_t count, uint32_t *written);
RAW(fd_read) int32_t raw_fd_read(int32_t fd, uint32_t iovs, uint32_t count, uint32_t *got);
RAW(fd_renumber) int32_t raw_renumber(int32_t fd, int32_t to);
RAW(proc_raise) int32_t raw_proc_raise(int32_t signal);

/// All rights a file or directory can have.
#define ALL_RIGHTS ((int64_t)((1u << 30) - 1))
/// Opens `path` (NUL-terminated) beneath `dir`.
static inline int32_t open_at(int32_t dir, const char *path, int32_t oflags, int64_t rights,
                              uint32_t *out) {
  return raw_path_open(dir, 1, path, (int32_t)strlen(path), oflags, rights, rights, 0, out);
}
#define S(p) (p), (int32_t)strlen(p)
#endif
