#ifndef EXECSNOOP_H
#define EXECSNOOP_H
struct execve_event {
  unsigned int pid;
  char filename[124];
};
#endif
