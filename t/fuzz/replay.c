/*
 * replay.c - main() for the fuzz harnesses outside libFuzzer: feeds each
 * file named on the command line (or every file of a directory) to
 * LLVMFuzzerTestOneInput once, so that `make check` replays the
 * regression corpus with the ordinary compiler and no fuzzing runtime.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* optional, as under libFuzzer: only harnesses with set-up define it */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int
one(const char *path)
{
	char *buf;
	size_t len;
	int e;

	if ((e = sofa_readfile(path, 1 << 24, &buf, &len)) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(e));
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	return 0;
}

int
main(int argc, char *argv[])
{
	int bad = 0, n = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
			bad |= one(argv[i]);
			n++;
			continue;
		}
		if ((d = opendir(argv[i])) == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			char path[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			bad |= one(path);
			n++;
		}
		closedir(d);
	}
	printf("replayed %d inputs\n", n);
	return bad;
}
