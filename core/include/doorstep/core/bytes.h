// Byte encodings shared by the signature digest (core) and the sync wire and checksums
// (sync/protocol): written once so that the two sides of a digest cannot drift apart.
//
// Thread rules: pure functions, callable from any thread.
#pragma once

#include <cstdint>
#include <string>

namespace doorstep::bytes {

// Appends `v` as an unsigned LEB128 varint (the protobuf varint): 1 to 10 bytes.
void AppendVarint(std::string* out, uint64_t v);

}  // namespace doorstep::bytes
