// A ChangeSet as the township server receives it: the first byte picks the Content-Encoding
// (identity, zstd, gzip), the rest is the body. Decoded with the server's limits, validated, and
// when valid every change's record id, path and author are read as the push handler does.
// Invariant: a valid set re-encodes and decodes to an equal, still valid set.
#include "doorstep/sync/codec.h"
#include "doorstep/sync/wire.h"
#include "fuzz_common.h"

using namespace doorstep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto encoding = static_cast<sync::Encoding>(data[0] % 3);
  v1::ChangeSet set;
  if (!sync::DecodeBody(fuzz::AsText(data + 1, size - 1), encoding, &set).ok()) return 0;
  if (!sync::ValidateChangeSet(set).ok()) return 0;
  size_t paths = 0;
  for (const auto& change : set.changes()) {
    (void)sync::ChangeRecordId(change);
    paths += sync::ChangePath(set, change).size();
    (void)sync::ChangeAuthor(set, change);
  }
  auto again = sync::EncodeBody(set, sync::Encoding::kZstd);
  if (!again.ok()) fuzz::Broken("a valid ChangeSet does not encode");
  v1::ChangeSet back;
  if (!sync::DecodeBody(*again, sync::Encoding::kZstd, &back).ok() ||
      !sync::ValidateChangeSet(back).ok() || back.changes_size() != set.changes_size()) {
    fuzz::Broken("a valid ChangeSet does not survive encode + decode");
  }
  (void)paths;
  return 0;
}
