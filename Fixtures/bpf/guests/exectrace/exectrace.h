// Shared by the BPF and the Wasm side: the layout is the same on both (no
// serialization between kernel and guest).
#ifndef EXECTRACE_H
#define EXECTRACE_H
struct exec_event {
  unsigned int pid;
  unsigned int tid;
  unsigned int is_exit;
  char comm[16];
};
#endif
