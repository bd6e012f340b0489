/* crc32c.h — CRC-32C (Castagnoli), the checksum S3 calls CRC32C.
 *
 * Software slice-by-8 tables, or the SSE4.2 crc32 instruction when the CPU
 * has it (checked once at run time).  Values are the finished CRC (the
 * usual pre/post inversion included), so crc32c("123456789") == 0xe3069283
 * and a running CRC is continued by passing the previous result back in.
 */
#ifndef GSA_AWS_CRC32C_H
#define GSA_AWS_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* CRC of buf[0..n) continued from crc (0 to start). */
uint32_t gsa_crc32c_update(uint32_t crc, const void *buf, size_t n);

/* CRC of A||B from crc(A), crc(B) and the length of B. */
uint32_t gsa_crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

/* Base64 of the big-endian 4 bytes (the x-amz-checksum-crc32c form);
 * out must hold 9 bytes. */
void gsa_crc32c_base64(uint32_t crc, char out[9]);

/* Parse the base64 form back.  Returns 0, or -1 if s is not 4 bytes of base64. */
int gsa_crc32c_from_base64(const char *s, uint32_t *crc);

/* 1 when the hardware path is in use (for logs and benchmarks). */
int gsa_crc32c_hw(void);

#endif
