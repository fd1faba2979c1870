// The thinnest layer Swift cannot do itself over libbpf (Debian's libbpf-dev 1.1.2).
//
// libbpf reports through a variadic printf-style callback; Swift cannot implement a C
// variadic function, so this header formats each message and hands the text to a
// plain C function pointer that Swift can provide. Everything else is called from
// Swift directly. Header-only (static functions) because BpfSys is a system library
// target: it has no sources of its own to compile.
#ifndef WASMBPF_BPFSYS_SHIM_H
#define WASMBPF_BPFSYS_SHIM_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>

/// Receives one formatted libbpf message. `level` is a `libbpf_print_level`.
typedef void (*wasmbpf_log_sink_fn)(int level, const char *message);

static wasmbpf_log_sink_fn wasmbpf_log_sink_current;

static int wasmbpf_libbpf_print(enum libbpf_print_level level, const char *format,
                                va_list args) {
  wasmbpf_log_sink_fn sink = wasmbpf_log_sink_current;
  if (sink == NULL) return 0;
  char message[2048];
  int written = vsnprintf(message, sizeof message, format, args);
  if (written < 0) return 0;
  sink((int)level, message);
  return written;
}

/// Routes libbpf's messages to `sink` (NULL silences libbpf). Process-wide, as
/// libbpf's own setting is.
static inline void wasmbpf_set_log_sink(wasmbpf_log_sink_fn sink) {
  wasmbpf_log_sink_current = sink;
  libbpf_set_print(sink != NULL ? wasmbpf_libbpf_print : NULL);
}

#endif
