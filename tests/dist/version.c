/* The C header and the library agree on the version: EA_VERSION_* (compiled in)
 * against ea_version() (the library that was loaded). Prints the version; exits 1
 * if they differ. Built by scripts/test-dist.sh against the release tarball. */
#include <elements_auth.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  char header[64];
  snprintf(header, sizeof header, "%d.%d.%d", EA_VERSION_MAJOR, EA_VERSION_MINOR, EA_VERSION_PATCH);
  const char *library = ea_version();
  if (library == NULL || strcmp(header, library) != 0) {
    fprintf(stderr, "header %s, library %s\n", header, library ? library : "(null)");
    return 1;
  }
  printf("%s\n", library);
  return 0;
}
