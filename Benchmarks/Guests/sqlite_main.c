/* A minimal front end for SQLite: runs the SQL given as the first argument on an
 * in-memory database and prints each row as `a|b|c`. Written for the wasmbpf
 * benchmarks; SQLite comes from the amalgamation in the PyPI `pysqlcipher3static`
 * sdist, built without its cipher (plain SQLite). */
#include <stdio.h>
#include "sqlite3.h"

static int print_row(void *unused, int count, char **values, char **names) {
  (void)unused;
  (void)names;
  for (int i = 0; i < count; i++) printf("%s%s", i ? "|" : "", values[i] ? values[i] : "NULL");
  printf("\n");
  return 0;
}

int main(int argc, char **argv) {
  const char *sql = argc > 1 ? argv[1] : "select sqlite_version();";
  sqlite3 *db = NULL;
  char *error = NULL;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 2;
  int status = sqlite3_exec(db, sql, print_row, NULL, &error);
  if (status != SQLITE_OK) fprintf(stderr, "%s\n", error ? error : "error");
  sqlite3_free(error);
  sqlite3_close(db);
  return status == SQLITE_OK ? 0 : 1;
}
