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

#endif
