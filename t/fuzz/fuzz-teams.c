/*
 * fuzz-teams.c - libFuzzer harness: the JSON-to-rows code of sofa-teams over
 * an arbitrary document, through the program's own main (tbfuzz.h says how):
 * team objects of the event and the lineups' team ids, rows held to the end.
 */
#define main fuzz_tool_main
int fuzz_tool_main(int argc, char *argv[]);
#include "../../tools/sofa-teams.c"
#undef main
#include "tbfuzz.h"
