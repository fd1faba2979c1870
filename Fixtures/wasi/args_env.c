// Prints its arguments and environment, then the value of FOO.
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc %d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d] %s\n", i, argv[i]);
  for (char **entry = environ; *entry; entry++) printf("env %s\n", *entry);
  const char *foo = getenv("FOO");
  printf("FOO %s\n", foo ? foo : "(unset)");
  return argc;
}
