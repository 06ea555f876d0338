/*
 * fuzz-incidents.c - libFuzzer harness: the JSON-to-rows code of sofa-
 * incidents over an arbitrary document, through the program's own main
 * (tbfuzz.h says how): every incident type (incident.c), team ids from the
 * event.
 */
#define main fuzz_tool_main
int fuzz_tool_main(int argc, char *argv[]);
#include "../../tools/sofa-incidents.c"
#undef main
#include "tbfuzz.h"
