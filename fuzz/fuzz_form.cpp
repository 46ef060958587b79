// A form definition as `doorstep form install` and `doorstep-server forms install` read it: JSON
// (protobuf's mapping) -> FormDef -> CompiledForm::Compile, which checks names, types, choices,
// repeat nesting and every expression. Inputs over the 4 MiB file limit never reach the parser.
#include "doorstep/core/form.h"
#include "fuzz_common.h"

using namespace doorstep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (4u << 20)) return 0;
  auto def = LoadFormJson(fuzz::AsText(data, size));
  if (!def.ok()) return 0;
  auto compiled = CompiledForm::Compile(std::move(def).value());
  return 0;
}
