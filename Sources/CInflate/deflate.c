#include "CInflate.h"

#include <isa-l/igzip_lib.h>
#include <stdlib.h>

struct sizebudget_deflater {
  struct isal_zstream stream;
  int64_t produced;
  uint8_t output[64 * 1024];
  uint8_t level_buffer[ISAL_DEF_LVL3_DEFAULT];
};

sizebudget_deflater *sizebudget_deflater_new(void) {
  sizebudget_deflater *deflater = malloc(sizeof *deflater);
  if (deflater == NULL) return NULL;
  isal_deflate_init(&deflater->stream);
  // Raw deflate at ISA-L's level 3 (its best ratio): the caller counts gzip's framing.
  deflater->stream.level = 3;
  deflater->stream.level_buf = deflater->level_buffer;
  deflater->stream.level_buf_size = sizeof deflater->level_buffer;
  deflater->stream.gzip_flag = IGZIP_DEFLATE;
  deflater->produced = 0;
  return deflater;
}

void sizebudget_deflater_free(sizebudget_deflater *deflater) { free(deflater); }

/// Runs the stream over `length` bytes, writing into the same scratch buffer again and
/// again: only the count of what it would write is kept.
static int run(sizebudget_deflater *deflater, const uint8_t *input, uint32_t length, int last) {
  struct isal_zstream *stream = &deflater->stream;
  stream->next_in = (uint8_t *)input;
  stream->avail_in = length;
  stream->end_of_stream = (uint16_t)last;
  stream->flush = NO_FLUSH;
  do {
    stream->next_out = deflater->output;
    stream->avail_out = sizeof deflater->output;
    int status = isal_deflate(stream);
    if (status != COMP_OK) return status;
    deflater->produced += (int64_t)(sizeof deflater->output - stream->avail_out);
  } while (stream->avail_in > 0 || stream->avail_out == 0 ||
           (last && stream->internal_state.state != ZSTATE_END));
  return 0;
}

int sizebudget_deflate(sizebudget_deflater *deflater, const uint8_t *input, size_t length) {
  while (length > 0) {
    // ISA-L counts in 32 bits: at most 1 GiB at a time.
    uint32_t part = length > (1u << 30) ? (1u << 30) : (uint32_t)length;
    int status = run(deflater, input, part, 0);
    if (status != 0) return status;
    input += part;
    length -= part;
  }
  return 0;
}

int64_t sizebudget_deflate_finish(sizebudget_deflater *deflater) {
  if (run(deflater, NULL, 0, 1) != 0) return -1;
  return deflater->produced;
}
