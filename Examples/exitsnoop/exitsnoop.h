// The record exitsnoop's BPF side sends its user side (same layout on both sides).
#ifndef EXITSNOOP_H
#define EXITSNOOP_H

struct exit_event {
  unsigned long long age_ns;  // since the thread started
  unsigned int pid;
  unsigned int tid;
  unsigned int ppid;
  int exit_code;  // as wait(2) reports it: status << 8, or the signal (| 0x80: core)
  char comm[16];
};

#endif
