// A native program for the uprobe fixture: calls wasmbpf_uprobe_target(ARG) once per
// line of its standard input (so a test can fire the probe whenever it wants) or, with
// arguments, once per argument.
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int wasmbpf_uprobe_target(int value) {
  __asm__ volatile("" ::: "memory");
  return value * 2;
}

int main(int argc, char **argv) {
  int total = 0;
  if (argc > 1) {
    for (int i = 1; i < argc; i++) total += wasmbpf_uprobe_target(atoi(argv[i]));
  } else {
    char line[64];
    while (fgets(line, sizeof line, stdin)) total += wasmbpf_uprobe_target(atoi(line));
  }
  return total == -1;
}
