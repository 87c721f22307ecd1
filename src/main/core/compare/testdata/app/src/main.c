/* A tiny "app" the compare fixtures build twice: single-stage and multi-stage. */
#include <stdio.h>
#include "util.h"

int main(void) {
  printf("%s\n", greeting());
  return 0;
}
