// Shared by the libFuzzer targets (docs/fuzzing.md). Each target is built only with
// DOORSTEP_FUZZ=ON (clang, ASan + UBSan, coverage on every library) and run by scripts/fuzz.sh.
// A target must never abort on bad input: every decoder answers a Status, and a crash, a sanitizer
// report, a leak or an input that takes more than the run's -timeout is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>

namespace doorstep::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// An invariant the target checks failed: report it as a crash (libFuzzer saves the input).
[[noreturn]] inline void Broken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

}  // namespace doorstep::fuzz
