// A registry export as `doorstep-server import` reads it: the first byte picks JSON Lines or CSV,
// the rest is the file. A failing line or household must give a Status naming its line and never
// stop the others; every row returned names a line within the file.
#include <algorithm>

#include "doorstep/registry/jsonl.h"
#include "fuzz_common.h"

using namespace doorstep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string text(fuzz::AsText(data + 1, size - 1));
  std::vector<Status> errors;
  const auto rows = (data[0] & 1) ? registry::ParseCsv(text, &errors)
                                  : registry::ParseJsonLines(text, &errors);
  const size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const auto& row : rows) {
    if (row.line == 0 || row.line > lines) fuzz::Broken("a row names a line outside the file");
  }
  for (const auto& e : errors) {
    if (e.ok()) fuzz::Broken("an error list holds an OK status");
  }
  return 0;
}
