/*
 * fuzz-config.c - libFuzzer harness: the INI configuration reader over an
 * arbitrary file; it must load or refuse with a message, never crash, and
 * every value it accepts must read back through the typed getters.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
cleanup(void)
{
	unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd;

	(void)argc;
	(void)argv;
	/* in memory where there is some: a file rewritten on a disk
	 * costs more than the reader */
	strcpy(path, "/dev/shm/sofa-fuzz-config.XXXXXX");
	if ((fd = mkstemp(path)) < 0) {
		strcpy(path, "/tmp/sofa-fuzz-config.XXXXXX");
		if ((fd = mkstemp(path)) < 0)
			abort();
	}
	close(fd);
	atexit(cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sofa_config *cfg;
	const struct sofa_key *keys;
	char err[512];
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "w")) == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	cfg = sofa_config_load(path, err, sizeof(err));
	if (cfg == NULL) {
		if (strlen(err) == 0)
			abort();	/* refused without saying why */
		return 0;
	}
	keys = sofa_config_keys(&n);
	for (size_t i = 0; i < n; i++) {
		if (sofa_cfg_str(cfg, keys[i].name) == NULL)
			abort();
		if (keys[i].type == SOFA_K_INT)
			(void)sofa_cfg_int(cfg, keys[i].name);
	}
	for (size_t i = 0; i < sofa_cfg_ncomp(cfg); i++)
		if (sofa_cfg_comp(cfg, i)->tournament < 1)
			abort();
	sofa_config_free(cfg);
	return 0;
}
