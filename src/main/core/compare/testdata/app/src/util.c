#include "util.h"

const char *greeting(void) { return "hello from the layerscope compare fixture"; }
