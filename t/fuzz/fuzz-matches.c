/*
 * fuzz-matches.c - libFuzzer harness: the JSON-to-rows code of sofa-matches
 * over an arbitrary document, through the program's own main (tbfuzz.h says
 * how): the event reader (event.c): scores, teams, status, times.
 */
#define main fuzz_tool_main
int fuzz_tool_main(int argc, char *argv[]);
#include "../../tools/sofa-matches.c"
#undef main
#include "tbfuzz.h"
