// Sandbox escape attempts. Preopens: fd 3 = /sandbox (read-write), fd 4 = /ro
// (read-only), fd 5 = /other (read-write). The host puts secret.txt next to the sandbox (outside it). Every
// attempt prints "refused" with the WASI errno, or "ESCAPED".
#include <stdio.h>
#include <stdlib.h>
#include "raw.h"

enum { SANDBOX = 3, RO = 4, OTHER = 5 };
static int attempts, escaped;

static void report(const char *what, int32_t err) {
  attempts++;
  if (err == 0) {
    escaped++;
    printf("%2d %-34s ESCAPED\n", attempts, what);
  } else {
    printf("%2d %-34s refused %d\n", attempts, what, err);
  }
}

static int32_t try_open(int32_t dir, const char *path) {
  uint32_t fd;
  int32_t err = open_at(dir, path, 0, ALL_RIGHTS, &fd);
  return err;
}

int main(void) {
  char big[8192];
  uint32_t fd, used;
  char stat[64];
  int32_t err;

  // Links inside the sandbox that point out of it. Relative ones the guest may make;
  // absolute ones it may not (below), so the host made `root` (-> /), `abs`
  // (-> /etc/passwd) and `procroot` (-> /proc/self/root) before the run, as another
  // program on the host could.
  raw_symlink(S(".."), SANDBOX, S("up"));
  raw_symlink(S("loop2"), SANDBOX, S("loop1"));
  raw_symlink(S("loop1"), SANDBOX, S("loop2"));
  raw_symlink(S("c2"), SANDBOX, S("c1"));
  raw_symlink(S("c3"), SANDBOX, S("c2"));
  raw_symlink(S("../secret.txt"), SANDBOX, S("c3"));
  raw_symlink(S("../created.txt"), SANDBOX, S("dangling"));
  raw_mkdir(SANDBOX, S("a"));
  raw_mkdir(SANDBOX, S("a/b"));
  raw_symlink(S("../../.."), SANDBOX, S("a/b/deep"));
  open_at(SANDBOX, "mine.txt", 1, ALL_RIGHTS, &fd);

  report("open ../secret.txt", try_open(SANDBOX, "../secret.txt"));
  report("open ../../../../etc/passwd", try_open(SANDBOX, "../../../../etc/passwd"));
  report("open /etc/passwd", try_open(SANDBOX, "/etc/passwd"));
  report("open a/../../secret.txt", try_open(SANDBOX, "a/../../secret.txt"));
  report("open a/b/../../../secret.txt", try_open(SANDBOX, "a/b/../../../secret.txt"));
  report("open up/secret.txt (symlink ..)", try_open(SANDBOX, "up/secret.txt"));
  report("open root/etc/passwd (symlink /)", try_open(SANDBOX, "root/etc/passwd"));
  report("open abs (symlink to abs file)", try_open(SANDBOX, "abs"));
  report("open loop1 (symlink loop)", try_open(SANDBOX, "loop1"));
  report("open c1 (chain out)", try_open(SANDBOX, "c1"));
  report("open a/b/deep/secret.txt", try_open(SANDBOX, "a/b/deep/secret.txt"));
  char dots[400] = "";
  for (int i = 0; i < 100; i++) strcat(dots, "../");
  strcat(dots, "etc/passwd");
  report("open ../ x100", try_open(SANDBOX, dots));
  report("create through dangling link out", open_at(SANDBOX, "dangling", 1, ALL_RIGHTS, &fd));
  report("open procroot/etc/passwd", try_open(SANDBOX, "procroot/etc/passwd"));
  report("stat ../secret.txt", raw_stat(SANDBOX, 1, S("../secret.txt"), stat));
  report("stat up/secret.txt", raw_stat(SANDBOX, 1, S("up/secret.txt"), stat));
  report("stat c1 (follow chain)", raw_stat(SANDBOX, 1, S("c1"), stat));
  report("utimes up/secret.txt", raw_utimes(SANDBOX, 1, S("up/secret.txt"), 0, 0, 5));
  report("utimes .. (no follow)", raw_utimes(SANDBOX, 0, S(".."), 0, 0, 5));
  report("mkdir ../newdir", raw_mkdir(SANDBOX, S("../newdir")));
  report("mkdir up/newdir", raw_mkdir(SANDBOX, S("up/newdir")));
  report("rmdir ..", raw_rmdir(SANDBOX, S("..")));
  report("unlink ../secret.txt", raw_unlink(SANDBOX, S("../secret.txt")));
  report("unlink up/secret.txt", raw_unlink(SANDBOX, S("up/secret.txt")));
  report("rename mine.txt -> ../moved", raw_rename(SANDBOX, S("mine.txt"), SANDBOX, S("../moved")));
  report("rename ../secret.txt -> stolen", raw_rename(SANDBOX, S("../secret.txt"), SANDBOX, S("stolen")));
  report("rename into read-only preopen", raw_rename(SANDBOX, S("mine.txt"), RO, S("moved")));
  report("rename out of read-only preopen", raw_rename(RO, S("data.txt"), SANDBOX, S("moved")));
  report("rename into another preopen", raw_rename(SANDBOX, S("mine.txt"), OTHER, S("moved")));
  report("link into another preopen", raw_link(SANDBOX, 0, S("mine.txt"), OTHER, S("linked")));
  report("link ../secret.txt -> hard", raw_link(SANDBOX, 0, S("../secret.txt"), SANDBOX, S("hard")));
  report("link up/secret.txt (follow)", raw_link(SANDBOX, 1, S("up/secret.txt"), SANDBOX, S("hard2")));
  report("link c1 (follow chain)", raw_link(SANDBOX, 1, S("c1"), SANDBOX, S("hard3")));
  report("link mine.txt -> ../hard", raw_link(SANDBOX, 0, S("mine.txt"), SANDBOX, S("../hard")));
  report("symlink at ../newlink", raw_symlink(S("x"), SANDBOX, S("../newlink")));
  report("symlink to / (absolute)", raw_symlink(S("/"), SANDBOX, S("root2")));
  report("symlink to /etc/passwd (absolute)", raw_symlink(S("/etc/passwd"), SANDBOX, S("abs2")));
  report("symlink to /proc/self/root", raw_symlink(S("/proc/self/root"), SANDBOX, S("pr2")));
  report("readlink ../anything", raw_readlink(SANDBOX, S("../sandbox/up"), big, sizeof big, &used));
  static const char with_nul[] = "mine.txt\0/../../secret.txt";
  report("open path with NUL", raw_path_open(SANDBOX, 1, with_nul, sizeof with_nul - 1, 0,
                                             ALL_RIGHTS, ALL_RIGHTS, 0, &fd));
  memset(big, 'a', sizeof big);
  for (int i = 1; i < (int)sizeof big; i += 2) big[i] = '/';
  big[sizeof big - 1] = 0;
  report("open very long path", try_open(SANDBOX, big));
  report("create file in read-only preopen", open_at(RO, "new.txt", 1, ALL_RIGHTS, &fd));
  err = raw_path_open(RO, 1, S("data.txt"), 0, 1 << 6, 1 << 6, 0, &fd);
  if (err == 0) err = raw_fd_write((int32_t)fd, 0, 0, &used);
  report("write read-only file", err);
  report("truncate read-only file", open_at(RO, "data.txt", 8, ALL_RIGHTS, &fd));
  report("mkdir in read-only preopen", raw_mkdir(RO, S("d")));
  report("unlink in read-only preopen", raw_unlink(RO, S("data.txt")));
  report("guessed host fd 100 as dir", try_open(100, "secret.txt"));
  // Renumbering the sandbox onto stdin keeps it a sandbox.
  err = raw_renumber(SANDBOX, 0);
  report("renumbered preopen ../secret.txt", err ? err : try_open(0, "../secret.txt"));
  report("old number after renumber", try_open(SANDBOX, "mine.txt"));
  printf("attempts %d escaped %d\n", attempts, escaped);
  return escaped == 0 ? 0 : 1;
}
