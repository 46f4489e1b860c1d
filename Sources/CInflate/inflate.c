#include "CInflate.h"

#include <isa-l/igzip_lib.h>
#include <stdlib.h>

struct sizebudget_inflater {
  struct inflate_state state;
};

sizebudget_inflater *sizebudget_inflater_new(void) {
  sizebudget_inflater *inflater = malloc(sizeof *inflater);
  if (inflater != NULL) sizebudget_inflater_next_member(inflater);
  return inflater;
}

void sizebudget_inflater_free(sizebudget_inflater *inflater) { free(inflater); }

void sizebudget_inflater_next_member(sizebudget_inflater *inflater) {
  isal_inflate_init(&inflater->state);
  inflater->state.crc_flag = ISAL_GZIP;
}

int sizebudget_inflate(sizebudget_inflater *inflater, const uint8_t **input, size_t *input_length,
                       uint8_t **output, size_t *output_length) {
  struct inflate_state *state = &inflater->state;
  // ISA-L counts in 32 bits: hand it at most 1 GiB at a time.
  uint32_t in = *input_length > (1u << 30) ? (1u << 30) : (uint32_t)*input_length;
  uint32_t out = *output_length > (1u << 30) ? (1u << 30) : (uint32_t)*output_length;
  state->next_in = (uint8_t *)*input;
  state->avail_in = in;
  state->next_out = *output;
  state->avail_out = out;
  int status = isal_inflate(state);
  *input += in - state->avail_in;
  *input_length -= in - state->avail_in;
  *output += out - state->avail_out;
  *output_length -= out - state->avail_out;
  if (status < 0) return status;
  return state->block_state == ISAL_BLOCK_FINISH ? 1 : 0;
}

const char *sizebudget_inflate_error(int code) {
  switch (code) {
  case ISAL_INVALID_BLOCK: return "invalid deflate block";
  case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
  case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
  case ISAL_INVALID_WRAPPER: return "invalid gzip header";
  case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
  case ISAL_INCORRECT_CHECKSUM: return "incorrect data check";
  default: return "inflate error";
  }
}
