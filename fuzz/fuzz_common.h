/*
 * fuzz_common.h: what the libFuzzer targets share.  The targets run from
 * the repository's root (make fuzz); FUZZ_SCHEMA_DIR names another
 * schema folder.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline const char *
fuzz_schema_dir(void)
{
	const char *d = getenv("FUZZ_SCHEMA_DIR");

	return d != NULL && *d ? d : "schemas";
}

/* The input as a NUL-terminated string (cut at its first NUL). */
static inline char *
fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* An invariant that does not hold: a finding, as a crash. */
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
			    __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

#endif /* FUZZ_COMMON_H */
