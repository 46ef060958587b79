// Reading a whole input file (a form definition, a strokes file, a photo, an import) with a size
// limit: the command line tools read files named by their users, and /dev/zero or a mistaken
// 4 GB file must give a clear error, not exhaust memory.
#pragma once

#include <cstdint>
#include <string>

#include "doorstep/core/status.h"

namespace doorstep::posix {

// The file's bytes. kNotFound / kPermissionDenied / kUnavailable when it cannot be read,
// kInvalidArgument for a directory, kResourceExhausted when it holds more than `max_bytes` (read
// stops there: special files such as /dev/zero are bounded too). Messages name `what` and the
// path, and state the limit in bytes.
Result<std::string> ReadFileLimited(const std::string& path, uint64_t max_bytes,
                                    const std::string& what);

// "4 MiB", "20 MiB", "512 KiB", "1000 bytes": a limit as people read it (exact: the limits are
// whole units).
std::string FormatLimit(uint64_t bytes);

}  // namespace doorstep::posix
