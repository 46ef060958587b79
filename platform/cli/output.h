// Output helpers of the command line: labels in the chosen language, local times, files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "doorstep/form.pb.h"

namespace doorstep::cli {

// The label in `lang` ("zh" or "en"), else the other language, else `fallback`.
std::string LabelText(const v1::Label& label, const std::string& lang,
                      const std::string& fallback);

// Unix milliseconds as local time at `offset_minutes` east of UTC.
std::string FormatLocalTime(int64_t ms, int offset_minutes);  // "2026-11-23 10:00:00"
std::string FormatIsoTime(int64_t ms, int offset_minutes);    // "2026-11-23T10:00:00+08:00"

// Writes `content` to `file`, or to stdout when `file` is empty or "-". A file is written to a
// temporary name beside it and renamed, so a failed export never leaves half a file.
void WriteOutput(const std::string& file, std::string_view content);

// Reads a whole file; fails naming `what` and the path.
// Input file limits (ReadFileOrFail): form definitions, strokes files.
inline constexpr uint64_t kMaxFormFileBytes = uint64_t{4} << 20;
inline constexpr uint64_t kMaxStrokesFileBytes = uint64_t{4} << 20;
// The whole file, or Fail with the reason (missing, unreadable, a directory, over `max_bytes`).
std::string ReadFileOrFail(const std::string& path, const std::string& what, uint64_t max_bytes);

}  // namespace doorstep::cli
