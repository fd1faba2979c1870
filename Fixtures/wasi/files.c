// Lists, reads, writes, renames and deletes files under the directory argv[1].
// Built natively and as wasm32-wasi; both runs must print the same and leave the
// same tree (WasiPreview1Tests.NativeComparisonTests). Prints errno by name, not
// number or message: those differ between glibc and wasi-libc.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root;

static const char *errname(int e) {
  switch (e) {
  case ENOENT: return "ENOENT";
  case EEXIST: return "EEXIST";
  case ENOTEMPTY: return "ENOTEMPTY";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case EBADF: return "EBADF";
  case EINVAL: return "EINVAL";
  case ELOOP: return "ELOOP";
  default: return "other";
  }
}

static char *at(const char *relative) {
  static char buffers[4][1024];
  static int next;
  char *buffer = buffers[next++ % 4];
  snprintf(buffer, sizeof buffers[0], "%s/%s", root, relative);
  return buffer;
}

static void result(const char *what, int rc) {
  if (rc < 0) printf("%s: %s\n", what, errname(errno));
  else printf("%s: ok\n", what);
}

static int compare(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *relative, int depth) {
  DIR *dir = opendir(at(relative));
  if (!dir) { printf("opendir %s: %s\n", relative, errname(errno)); return; }
  char *names[256];
  int count = 0;
  struct dirent *entry;
  while ((entry = readdir(dir)) && count < 256) {
    if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
    names[count++] = strdup(entry->d_name);
  }
  closedir(dir);
  qsort(names, count, sizeof names[0], compare);
  for (int i = 0; i < count; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s%s%s", relative, *relative ? "/" : "", names[i]);
    struct stat info;
    lstat(at(path), &info);
    const char *kind = S_ISDIR(info.st_mode) ? "dir" : S_ISLNK(info.st_mode) ? "link" : "file";
    printf("%*s%s %s", depth * 2, "", kind, names[i]);
    if (S_ISREG(info.st_mode)) printf(" %lld bytes, %d links", (long long)info.st_size, (int)info.st_nlink);
    if (S_ISLNK(info.st_mode)) {
      char target[256];
      ssize_t n = readlink(at(path), target, sizeof target - 1);
      target[n < 0 ? 0 : n] = 0;
      printf(" -> %s", target);
    }
    printf("\n");
    if (S_ISDIR(info.st_mode)) list(path, depth + 1);
    free(names[i]);
  }
}

static void cat(const char *relative) {
  FILE *file = fopen(at(relative), "r");
  if (!file) { printf("cat %s: %s\n", relative, errname(errno)); return; }
  char line[256];
  printf("-- %s\n", relative);
  while (fgets(line, sizeof line, file)) printf("| %s", line);
  fclose(file);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  root = argv[1];
  printf("== before\n");
  list("", 0);
  cat("input/hello.txt");
  cat("input/sub/nested.txt");

  // Write, append, overwrite in the middle, read back with pread and seeks.
  int fd = open(at("out.txt"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  result("create out.txt", fd);
  dprintf(fd, "first line\nsecond line\n");
  close(fd);
  fd = open(at("out.txt"), O_WRONLY | O_APPEND);
  write(fd, "appended\n", 9);
  close(fd);
  fd = open(at("out.txt"), O_RDWR);
  pwrite(fd, "FIRST", 5, 0);
  char buffer[64] = {0};
  ssize_t n = pread(fd, buffer, 6, 11);
  printf("pread %zd '%.*s'\n", n, (int)n, buffer);
  off_t end = lseek(fd, 0, SEEK_END);
  printf("size by seek %lld\n", (long long)end);
  lseek(fd, -9, SEEK_END);
  n = read(fd, buffer, sizeof buffer - 1);
  printf("tail %zd '%.*s'\n", n, (int)n - 1, buffer);
  ftruncate(fd, 16);
  close(fd);
  cat("out.txt");

  // Directories, renames, links, deletions.
  result("mkdir made", mkdir(at("made"), 0755));
  result("mkdir made again", mkdir(at("made"), 0755));
  result("mkdir made/deeper", mkdir(at("made/deeper"), 0755));
  result("rename input/hello.txt -> made/hello.txt", rename(at("input/hello.txt"), at("made/hello.txt")));
  result("rename input/sub -> made/deeper/sub", rename(at("input/sub"), at("made/deeper/sub")));
  result("rename missing", rename(at("nope"), at("made/nope")));
  result("rmdir made (not empty)", rmdir(at("made")));
  result("unlink old.txt", unlink(at("old.txt")));
  result("unlink old.txt again", unlink(at("old.txt")));
  result("unlink made (a directory)", unlink(at("made")));
  result("rmdir input", rmdir(at("input")));
  result("link out.txt -> made/out-link.txt", link(at("out.txt"), at("made/out-link.txt")));
  result("symlink made/rel -> ../out.txt", symlink("../out.txt", at("made/rel")));
  cat("made/rel");
  // A new name ending in '/' is never made: ENOENT when it is missing, EEXIST when
  // something (a file, a directory, a dangling link) has that name.
  result("link out.txt -> made/slash/", link(at("out.txt"), at("made/slash/")));
  result("link out.txt -> made/deeper/", link(at("out.txt"), at("made/deeper/")));
  result("link out.txt -> made/out-link.txt/", link(at("out.txt"), at("made/out-link.txt/")));
  result("link missing -> made/deeper/", link(at("missing"), at("made/deeper/")));
  result("symlink made/slash/", symlink("../out.txt", at("made/slash/")));
  result("symlink made/rel/", symlink("../out.txt", at("made/rel/")));
  result("symlink made/nowhere", symlink("nowhere", at("made/nowhere")));
  result("symlink made/nowhere/", symlink("../out.txt", at("made/nowhere/")));
  result("link out.txt -> made/nowhere/", link(at("out.txt"), at("made/nowhere/")));
  result("open out.txt/x", open(at("out.txt/x"), O_RDONLY));
  result("rename out.txt over made/deeper", rename(at("out.txt"), at("made/deeper")));
  result("rename out.txt -> renamed.txt", rename(at("out.txt"), at("renamed.txt")));
  fd = open(at("made/excl.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644);
  result("create made/excl.txt", fd);
  close(fd);
  result("create made/excl.txt again", open(at("made/excl.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644));

  struct stat info;
  result("stat renamed.txt", stat(at("renamed.txt"), &info));
  printf("renamed.txt: %lld bytes, %d links\n", (long long)info.st_size, (int)info.st_nlink);
  printf("== after\n");
  list("", 0);
  return 0;
}
