/*
 * fuzz-teamstats.c - libFuzzer harness: the JSON-to-rows code of sofa-
 * teamstats over an arbitrary document, through the program's own main
 * (tbfuzz.h says how): both statistics formats, periods and groups.
 */
#define main fuzz_tool_main
int fuzz_tool_main(int argc, char *argv[]);
#include "../../tools/sofa-teamstats.c"
#undef main
#include "tbfuzz.h"
