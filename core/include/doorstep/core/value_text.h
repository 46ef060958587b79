// Typed field values <-> text, for the command line, CSV exports and imports.
//
// Parsing is strict and driven by the field's type in the compiled form:
//   TEXT             the text as is (an empty text is a value, not a clear)
//   INTEGER          base-10 int64: optional '-', digits only ("42", "-7"; not "+1", " 1", "1.0")
//   DECIMAL          a finite number in std::from_chars general format ("3.5", "-0.25", "1e3")
//   DATE             "YYYY-MM-DD" with a valid month and day
//   SELECT_ONE       one choice value of the field's list
//   SELECT_MULTIPLE  choice values separated by spaces and/or commas; stored sorted and unique
//   GEOPOINT         "lat lon [alt [accuracy]]" (spaces or commas), lat -90..90, lon -180..180,
//                    accuracy >= 0
//   ATTACHMENT       "sha256:<64 hex digits>" (a reference to content stored elsewhere)
//   SIGNATURE, GROUP, REPEAT, NOTE are not settable from text.
// Errors are Code::kInvalidArgument with where = the field name and a message naming the expected
// format. Messages never repeat the offending text: a wrong value may be a resident id or an income.
//
// Formatting is the inverse for every type settable from text (ParseValueText(FormatValueText(v))
// == v; for attachments only the digest survives, not media type, size or file name) and a
// one-line summary for the rest: signatures "signed by <name>" ("signed by <proxy> for <name>" when
// a proxy signed), repeat instance markers and unset values "".
//
// Thread rules: pure functions, callable from any thread.
#pragma once

#include <string>
#include <string_view>

#include "doorstep/core/form.h"
#include "doorstep/core/status.h"
#include "doorstep/value.pb.h"

namespace doorstep {

// Parses `text` as a value of `field` (a field of `form`, used for its choice list).
Result<v1::Value> ParseValueText(const CompiledForm& form, const FieldInfo& field,
                                 std::string_view text);

// One display/CSV cell for a value (no quoting or escaping).
std::string FormatValueText(const v1::Value& value);

// The shortest text that reads back as exactly `d` ("0.1", "2", "1e+21"). `d` must be finite.
std::string FormatDecimal(double d);

}  // namespace doorstep
