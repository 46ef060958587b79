// A PullPage as a tablet receives it (first byte: Content-Encoding, rest: body): decoded,
// validated, and when valid converted into the store's input (ToRemote) as the client does.
// Invariant: every change of a valid page becomes one RemoteChange.
#include "doorstep/sync/codec.h"
#include "doorstep/sync/wire.h"
#include "fuzz_common.h"

using namespace doorstep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto encoding = static_cast<sync::Encoding>(data[0] % 3);
  v1::PullPage page;
  if (!sync::DecodeBody(fuzz::AsText(data + 1, size - 1), encoding, &page).ok()) return 0;
  if (!sync::ValidatePullPage(page).ok()) return 0;
  std::vector<RemoteRecord> records;
  std::vector<RemoteChange> changes;
  sync::ToRemote(page, &records, &changes);
  if (changes.size() != static_cast<size_t>(page.changes_size())) {
    fuzz::Broken("ToRemote lost or invented changes");
  }
  return 0;
}
