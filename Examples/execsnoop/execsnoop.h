// The record execsnoop's BPF side sends its user side (same layout on both sides).
#ifndef EXECSNOOP_H
#define EXECSNOOP_H

#define EXECSNOOP_ARG_BYTES 128  // at most this much of one argument
#define EXECSNOOP_MAX_ARGS 20
#define EXECSNOOP_ARGS_BYTES (EXECSNOOP_ARG_BYTES * EXECSNOOP_MAX_ARGS)

struct exec_event {
  unsigned int pid;
  unsigned int ppid;
  unsigned int uid;
  int retval;              // execve's result: 0, or a negative Linux errno
  unsigned int arg_count;  // arguments read
  unsigned int args_size;  // bytes used in args: NUL-separated arguments
  unsigned int truncated;  // more arguments than were read
  char comm[16];           // the program's name (the caller's when exec failed)
  char args[EXECSNOOP_ARGS_BYTES];
};

#endif
