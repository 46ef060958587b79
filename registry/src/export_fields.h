// Small helpers shared by the export readers and writers (internal).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace doorstep::registry {

// 8-4-4-4-12 lower-case hex.
bool IsUuidText(const std::string& text);

// "2019-05-09T10:09:50+08:00" (or "Z") -> Unix ms; nullopt when malformed.
std::optional<int64_t> ParseIsoTimestampMs(const std::string& text);

// Unix ms -> "2019-05-09T10:09:50+08:00" in Beijing time.
std::string FormatBeijingTimestamp(int64_t ms);

// Numbers as the export writes them: integers without a fraction, else up to 2 decimals.
std::string FormatAmount(double value);

}  // namespace doorstep::registry
