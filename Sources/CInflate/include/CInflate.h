#ifndef SIZEBUDGET_CINFLATE_H
#define SIZEBUDGET_CINFLATE_H

#include <stddef.h>
#include <stdint.h>

/// gzip inflate through ISA-L's igzip (Debian libisal-dev): 2-4 times zlib's speed on
/// x86-64. Opaque here because ISA-L's state holds 64 KiB arrays that Swift would
/// import as tuples.
typedef struct sizebudget_inflater sizebudget_inflater;

/// A decompressor for one gzip member at a time (header and CRC-32 trailer checked).
/// NULL when out of memory.
sizebudget_inflater *sizebudget_inflater_new(void);
void sizebudget_inflater_free(sizebudget_inflater *inflater);
/// Ready for the next gzip member of a multi-member stream.
void sizebudget_inflater_next_member(sizebudget_inflater *inflater);

/// Inflates from `*input` (`*input_length` bytes) into `*output` (`*output_length`
/// bytes); on return the four are advanced past what was used. Returns 1 when the
/// member (its trailer included) is complete, 0 when more input or output room is
/// needed, and ISA-L's negative error code for a corrupt stream.
int sizebudget_inflate(sizebudget_inflater *inflater, const uint8_t **input, size_t *input_length,
                       uint8_t **output, size_t *output_length);

/// A word for ISA-L's negative error code.
const char *sizebudget_inflate_error(int code);

/// Continues two CRC-64s (ECMA-182 and Jones polynomials, reflected; `state` starts
/// at {0, 0}) over `length` bytes, through ISA-L's carry-less-multiply folding (about
/// 10 GB/s each on x86-64, against SHA-256's 1.7): duplicate content's fingerprint of a
/// big file (see `ContentHashingStream`).
void sizebudget_crc64_pair(uint64_t state[2], const uint8_t *bytes, size_t length);

#endif
