// The record opensnoop's BPF side sends its user side (same layout on both sides).
#ifndef OPENSNOOP_H
#define OPENSNOOP_H

#define OPENSNOOP_PATH_BYTES 256

struct open_event {
  unsigned int pid;
  unsigned int tid;
  unsigned int uid;
  int flags;   // openat's flags (O_*)
  long long result;  // a file descriptor, or a negative Linux errno
  char comm[16];
  char path[OPENSNOOP_PATH_BYTES];
};

#endif
