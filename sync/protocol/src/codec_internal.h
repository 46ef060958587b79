// Internals of the codec shared with the batch builder (not part of the public API).
#pragma once

#include <string>
#include <string_view>

#include "doorstep/core/status.h"
#include "doorstep/sync/codec.h"

namespace doorstep::sync::internal {

// Compresses `data` into `*out`, replacing its contents but reusing its capacity (the batch
// builder measures many candidate batches with one buffer). Uses per-thread compression contexts,
// so repeated calls allocate nothing once the buffer is large enough. The output is byte for byte
// what Compress() returns for the same input and level.
Status CompressInto(std::string_view data, Encoding encoding, int level, std::string* out);

// The compression level EncodeBody uses for a message of `raw_size` serialized bytes. Bodies up to
// kHighLevelMaxRaw (a push of a day's households, a pull page) get zstd's optimal parser (level
// 15): 10-20% fewer bytes on the wire for a few milliseconds of CPU on the sender, and decoding is
// as fast as ever. Larger bodies get the fast default (level 3), so big batches stay cheap to
// build and send. gzip: 9 and 6 likewise. BuildBatches measures with the same rule.
inline constexpr size_t kHighLevelMaxRaw = 256 << 10;
int WireLevel(Encoding encoding, size_t raw_size);

// "16 MiB (16777216 bytes)", for error messages that name a limit.
std::string DescribeBytes(size_t n);

}  // namespace doorstep::sync::internal
