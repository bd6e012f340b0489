/* fuzz_util.c — see fuzz.h. */
#define _GNU_SOURCE
#include "fuzz.h"

#include "align/al_fastq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int fuzz_memfile(const void *data, size_t size, char path[64])
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	const char *p = data;
	if (fd < 0) return -1;
	while (size > 0) {
		ssize_t w = write(fd, p, size);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		p += w;
		size -= (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s) abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void fuzz_fastq_drain(const char *path)
{
	al_fastq_reader_t f;
	al_read_t r;
	gsa_err_t err = { 0 };
	memset(&r, 0, sizeof r);
	if (al_fastq_open(&f, path, &err) == 0) {
		int n = 0;
		while (n++ < 100000 && al_fastq_read(&f, &r, &err) > 0) {}
		al_fastq_close(&f);
	}
	al_read_free(&r);
}
