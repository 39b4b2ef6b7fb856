/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replay.c - run a fuzz target over saved inputs, without libFuzzer
 *
 * usage: fuzz_NAME FILE|DIR ...
 *
 * Every parser is a fuzz target (LLVMFuzzerTestOneInput); this main lets
 * "make check" replay the saved corpus with any compiler, under the
 * sanitizers in the sanitizer build. libfuzzer.sh builds the same targets
 * with clang's libFuzzer for real fuzzing.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) < 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) < 0) {
		perror(path);
		if (fp != NULL)
			fclose(fp);
		return (-1);
	}
	if ((buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		free(buf);
		return (-1);
	}
	fclose(fp);
	/* the exact length: no terminator the target may lean on */
	(void)LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return (0);
}

int
main(int argc, char **argv)
{
	int i, count = 0;

	for (i = 1; i < argc; i++) {
		struct stat sb;
		DIR *d;
		struct dirent *de;
		char path[4096];

		if (stat(argv[i], &sb) < 0) {
			perror(argv[i]);
			return (1);
		}
		if (!S_ISDIR(sb.st_mode)) {
			if (run_file(argv[i]) < 0)
				return (1);
			count++;
			continue;
		}
		if ((d = opendir(argv[i])) == NULL)
			return (1);
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			(void)snprintf(path, sizeof(path), "%s/%s", argv[i],
			    de->d_name);
			if (run_file(path) < 0) {
				closedir(d);
				return (1);
			}
			count++;
		}
		closedir(d);
	}
	printf("%d inputs\n", count);
	return (count > 0 ? 0 : 1);
}
