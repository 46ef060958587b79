// Checks of text that enters a store or crosses the wire: well-formed UTF-8 (no overlong forms,
// no surrogates, nothing above U+10FFFF) and no control characters (a terminal escape code stored
// in a name would be printed raw by every tool that shows it). Every text value, choice, name
// and identifier is checked where it is written, so one bad byte can never reach a store, a
// change set (proto3 refuses invalid UTF-8 in string fields, which would make a whole batch
// undecodable) or another tablet.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "doorstep/core/status.h"

namespace doorstep {

inline constexpr size_t kTextOk = static_cast<size_t>(-1);

// Byte offset of the first byte that does not start a valid UTF-8 sequence, or kTextOk.
size_t InvalidUtf8At(std::string_view s);

// Byte offset of the first control character (U+0000..U+001F other than tab, and, with
// `allow_newlines`, LF and CR; U+007F; U+0080..U+009F), or kTextOk. `s` must be valid UTF-8.
size_t ControlCharAt(std::string_view s, bool allow_newlines);

// kInvalidArgument naming `where` and the byte offset when `s` is not valid UTF-8 or holds a
// control character; `what` names the text in the message ("text", "surveyor id").
Status CheckText(std::string_view s, const std::string& where, const char* what,
                 bool allow_newlines = true);

}  // namespace doorstep
