/*
 * fuzz-players.c - libFuzzer harness: the JSON-to-rows code of sofa-players
 * over an arbitrary document, through the program's own main (tbfuzz.h says
 * how): player objects of the lineups and the incidents, merged per id.
 */
#define main fuzz_tool_main
int fuzz_tool_main(int argc, char *argv[]);
#include "../../tools/sofa-players.c"
#undef main
#include "tbfuzz.h"
