// WASI errno values for failing calls (raw imports, so nothing in libc changes them).
// Preopen fd 3 is a read-write directory holding file.txt and dir/inner.txt.
#include <stdio.h>
#include <wasi/api.h>
#include "raw.h"

static void check(const char *what, int32_t err) { printf("%s %d\n", what, err); }

int main(void) {
  uint32_t fd, got;
  check("open missing", open_at(3, "missing.txt", 0, ALL_RIGHTS, &fd));
  check("mkdir existing", raw_mkdir(3, S("dir")));
  check("rmdir non-empty", raw_rmdir(3, S("dir")));
  check("rmdir file", raw_rmdir(3, S("file.txt")));
  check("unlink directory", raw_unlink(3, S("dir")));
  check("open file as directory", open_at(3, "file.txt", __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS, &fd));
  check("create exclusive existing",
        open_at(3, "file.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL_RIGHTS, &fd));
  check("open through file", open_at(3, "file.txt/x", 0, ALL_RIGHTS, &fd));
  check("write bad fd", raw_fd_write(77, 0, 0, &got));
  check("write iovec out of memory", raw_fd_write(1, 0xFFFFFFF0u, 4, &got));
  static uint32_t iov[2];
  iov[0] = 0xFFFFFF00u;
  iov[1] = 4096;
  check("write buffer out of memory", raw_fd_write(1, (uint32_t)(uintptr_t)iov, 1, &got));
  check("write result out of memory", raw_fd_write(1, 0, 0, (uint32_t *)0xFFFFFFFCu));
  check("open path out of memory", raw_path_open(3, 0, (const char *)0xFFFFFF00u, 512, 0, 0, 0, 0, &fd));
  check("empty path", raw_path_open(3, 0, "", 0, 0, 0, 0, 0, &fd));
  __wasi_filesize_t position;
  check("seek on stdout buffer", __wasi_fd_seek(1, 0, __WASI_WHENCE_SET, &position));
  __wasi_timestamp_t time;
  check("clock id 9", __wasi_clock_time_get(9, 0, &time));
  int32_t err = open_at(3, "file.txt", 0, ALL_RIGHTS, &fd);
  if (err == 0) {
    char buffer[128];
    __wasi_size_t used;
    check("readdir of a file", __wasi_fd_readdir(fd, (uint8_t *)buffer, sizeof buffer, 0, &used));
    check("more rights", __wasi_fd_fdstat_set_rights(fd, ALL_RIGHTS, ALL_RIGHTS));
    check("drop write right", __wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ, 0));
    check("write without the right", raw_fd_write((int32_t)fd, 0, 0, &got));
  }
  char link[64];
  check("readlink of a file", raw_readlink(3, S("file.txt"), link, sizeof link, &got));
  check("rename directory into itself", raw_rename(3, S("dir"), 3, S("dir/inside")));
  check("prestat of stdin", __wasi_fd_prestat_get(0, &(__wasi_prestat_t){0}));
  check("raise bad signal", raw_proc_raise(200));
  check("close bad fd", __wasi_fd_close(55));
  check("renumber onto missing fd", __wasi_fd_renumber(0, 55));
  check("shutdown a non-socket", __wasi_sock_shutdown(0, __WASI_SDFLAGS_WR));
  return 0;
}
