// Reads stdin to the end, writes it upper-cased to stdout, a byte count to stderr,
// and exits with status 3.
#include <ctype.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char buffer[256];
  ssize_t n;
  long total = 0;
  while ((n = read(0, buffer, sizeof buffer)) > 0) {
    for (ssize_t i = 0; i < n; i++) buffer[i] = (char)toupper((unsigned char)buffer[i]);
    write(1, buffer, (size_t)n);
    total += n;
  }
  fprintf(stderr, "read %ld bytes\n", total);
  return 3;
}
