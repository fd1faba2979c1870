// The thinnest layer Swift cannot do itself over libbpf (Debian's libbpf-dev 1.1.2).
//
// libbpf reports through a variadic printf-style callback; Swift cannot implement a C
// variadic function, so this header formats each message and hands the text to
// `wasmbpf_receive_libbpf_message`, which WasiBpf defines (LibbpfLog.swift, with
// @_cdecl) and which gives each message to the guest whose call printed it.
// Everything else is called from Swift directly. Header-only (static functions)
// because BpfSys is a system library target: it has no sources of its own to compile,
// and so holds no state either.
#ifndef WASMBPF_BPFSYS_SHIM_H
#define WASMBPF_BPFSYS_SHIM_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

/// Receives one formatted libbpf message. `level` is a `libbpf_print_level`.
void wasmbpf_receive_libbpf_message(int level, const char *message);

static int wasmbpf_libbpf_print(enum libbpf_print_level level, const char *format,
                                va_list args) {
  char message[2048];
  int written = vsnprintf(message, sizeof message, format, args);
  if (written < 0) return 0;
  wasmbpf_receive_libbpf_message((int)level, message);
  return written;
}

/// Routes libbpf's messages to `wasmbpf_receive_libbpf_message`. Process-wide, as
/// libbpf's own setting is.
static inline void wasmbpf_route_libbpf_messages(void) {
  libbpf_set_print(wasmbpf_libbpf_print);
}

/// What libbpf does with an object's bytes before anything reaches the kernel
/// (open, and the accessors `BpfObjectDescription` reads), run in a child process:
/// libbpf is not hardened against hostile ELF (1.1.2 dereferences bad section and
/// symbol indices), so a guest's object is parsed first where a crash costs only
/// that process. Plain C between fork and _exit: no Swift runtime, no logging
/// callback, nothing another thread may have held locked at the fork (glibc's
/// malloc is fork-safe). The crash signals get their default action again, so that
/// a crash ends the child at once instead of running the parent's crash reporter.
/// The child exits with 0 when libbpf parsed the object, WASMBPF_PROBE_REFUSED when
/// it refused it cleanly; anything else is a crash. Returns the child's pid, or -1
/// with errno set.
#define WASMBPF_PROBE_REFUSED 3
static inline pid_t wasmbpf_open_probe_spawn(const void *image, size_t size) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  const int crashes[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
  for (size_t i = 0; i < sizeof crashes / sizeof crashes[0]; i++) signal(crashes[i], SIG_DFL);
  libbpf_set_print(NULL);
  struct bpf_object_open_opts options = {.sz = sizeof options, .object_name = "probe"};
  struct bpf_object *object = bpf_object__open_mem(image, size, &options);
  if (object == NULL || libbpf_get_error(object)) _exit(WASMBPF_PROBE_REFUSED);
  struct bpf_program *program = NULL;
  while ((program = bpf_object__next_program(object, program)) != NULL) {
    volatile const char *name = bpf_program__name(program);
    volatile const char *section = bpf_program__section_name(program);
    (void)name;
    (void)section;
    (void)libbpf_bpf_prog_type_str(bpf_program__type(program));
    size_t count = bpf_program__insn_cnt(program);
    const struct bpf_insn *insns = bpf_program__insns(program);
    volatile unsigned char sum = 0;
    for (size_t i = 0; insns != NULL && i < count; i++) sum ^= insns[i].code;
  }
  struct bpf_map *map = NULL;
  while ((map = bpf_object__next_map(object, map)) != NULL) {
    volatile const char *name = bpf_map__name(map);
    (void)name;
    (void)libbpf_bpf_map_type_str(bpf_map__type(map));
    (void)bpf_map__key_size(map);
    (void)bpf_map__value_size(map);
    (void)bpf_map__max_entries(map);
  }
  bpf_object__close(object);
  _exit(0);
}

#endif
