#include "doorstep/core/value_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "doorstep/core/expression.h"
#include "doorstep/core/sha256.h"

namespace doorstep {
namespace {

Status Invalid(const FieldInfo& field, std::string message) {
  return Status(Code::kInvalidArgument, std::move(message), field.name);
}

bool IsSeparator(char c) { return c == ' ' || c == '\t' || c == ','; }

// Splits on runs of spaces, tabs and commas; no empty tokens.
std::vector<std::string_view> SplitTokens(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSeparator(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !IsSeparator(text[i])) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

bool ParseInt64(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, *out, 10);
  return ec == std::errc() && ptr == end;
}

bool ParseFiniteDouble(std::string_view text, double* out) {
  if (text.empty()) return false;
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, *out, std::chars_format::general);
  return ec == std::errc() && ptr == end && std::isfinite(*out);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<v1::Value> ParseGeopoint(const FieldInfo& field, std::string_view text) {
  static constexpr const char* kFormat =
      "expected a location as 'latitude longitude [altitude [accuracy]]' in decimal degrees";
  auto tokens = SplitTokens(text);
  if (tokens.size() < 2 || tokens.size() > 4) return Invalid(field, kFormat);
  double parts[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!ParseFiniteDouble(tokens[i], &parts[i])) return Invalid(field, kFormat);
  }
  if (parts[0] < -90 || parts[0] > 90) return Invalid(field, "latitude must be within -90..90");
  if (parts[1] < -180 || parts[1] > 180) {
    return Invalid(field, "longitude must be within -180..180");
  }
  if (parts[3] < 0) return Invalid(field, "accuracy must not be negative");
  v1::Value v;
  auto* g = v.mutable_geopoint();
  g->set_latitude(parts[0]);
  g->set_longitude(parts[1]);
  g->set_altitude(parts[2]);
  g->set_accuracy_m(parts[3]);
  return v;
}

Result<v1::Value> ParseAttachment(const FieldInfo& field, std::string_view text) {
  static constexpr std::string_view kPrefix = "sha256:";
  static constexpr const char* kMessage =
      "attachments cannot be set from text; give a content reference 'sha256:<64 hex digits>' "
      "of a file already attached (attach a file with `doorstep attach ID FIELD FILE`)";
  if (text.size() != kPrefix.size() + 64 || text.substr(0, kPrefix.size()) != kPrefix) {
    return Invalid(field, kMessage);
  }
  std::string bytes;
  bytes.reserve(32);
  for (size_t i = kPrefix.size(); i < text.size(); i += 2) {
    int hi = HexDigit(text[i]);
    int lo = HexDigit(text[i + 1]);
    if (hi < 0 || lo < 0) return Invalid(field, kMessage);
    bytes.push_back(static_cast<char>(hi * 16 + lo));
  }
  v1::Value v;
  v.mutable_attachment()->set_sha256(bytes);
  return v;
}

// Why a field of `type` cannot be set from text at all, or nullptr when it can.
const char* NotSettableFromText(v1::FieldType type) {
  switch (type) {
    case v1::SIGNATURE:
      return "a signature cannot be set from text; use `doorstep sign`";
    case v1::REPEAT:
      return "a repeat holds instances, not a value; use `doorstep record add-member`";
    case v1::GROUP:
      return "a group holds no value; set the fields inside it";
    case v1::NOTE:
      return "a note is read-only and holds no value";
    default:
      return nullptr;
  }
}

Result<v1::Value> ParseSelectOne(const CompiledForm& form, const FieldInfo& field,
                                 std::string_view text) {
  std::string choice(text);
  if (!form.HasChoice(field, choice)) {
    return Invalid(field, "not a choice of list '" + field.def->choice_list() + "'");
  }
  v1::Value v;
  v.set_select_one(std::move(choice));
  return v;
}

// Choices separated by spaces or commas, stored sorted and without duplicates.
Result<v1::Value> ParseSelectMultiple(const CompiledForm& form, const FieldInfo& field,
                                      std::string_view text) {
  std::vector<std::string> values;
  for (auto token : SplitTokens(text)) {
    std::string choice(token);
    if (!form.HasChoice(field, choice)) {
      return Invalid(field, "not a choice of list '" + field.def->choice_list() +
                                "' (separate several choices with spaces or commas)");
    }
    values.push_back(std::move(choice));
  }
  if (values.empty()) {
    return Invalid(field, "no choice given; use `doorstep record clear` to clear a field");
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  v1::Value v;
  auto* sm = v.mutable_select_multiple();
  for (auto& s : values) sm->add_values(std::move(s));
  return v;
}

}  // namespace

Result<v1::Value> ParseValueText(const CompiledForm& form, const FieldInfo& field,
                                 std::string_view text) {
  if (field.def == nullptr) return Status(Code::kInternal, "field without definition", field.name);
  const v1::FieldType type = field.def->type();
  v1::Value v;
  if (type == v1::TEXT) {
    v.set_text(std::string(text));
    return v;
  }
  if (const char* why = NotSettableFromText(type)) return Invalid(field, why);
  if (text.empty()) {
    return Invalid(field, "empty value; use `doorstep record clear` to clear a field");
  }
  switch (type) {
    case v1::INTEGER: {
      int64_t n = 0;
      if (!ParseInt64(text, &n)) {
        return Invalid(field, "not a valid integer (expected base-10 digits, e.g. 42 or -7)");
      }
      v.set_integer(n);
      return v;
    }
    case v1::DECIMAL: {
      double d = 0;
      if (!ParseFiniteDouble(text, &d)) {
        return Invalid(field, "not a valid decimal number (expected e.g. 1250.5)");
      }
      v.set_decimal(d);
      return v;
    }
    case v1::DATE: {
      int32_t days = 0;
      if (!expr::ParseIsoDate(text, &days)) {
        return Invalid(field, "not a valid date (expected YYYY-MM-DD, e.g. 2024-03-15)");
      }
      v.set_date(days);
      return v;
    }
    case v1::SELECT_ONE:
      return ParseSelectOne(form, field, text);
    case v1::SELECT_MULTIPLE:
      return ParseSelectMultiple(form, field, text);
    case v1::GEOPOINT:
      return ParseGeopoint(field, text);
    case v1::ATTACHMENT:
      return ParseAttachment(field, text);
    default:
      return Invalid(field, "field type cannot be set from text");
  }
}

std::string FormatDecimal(double d) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  if (ec != std::errc()) return "nan";
  return std::string(buf, ptr);
}

std::string FormatValueText(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kText:
      return value.text();
    case v1::Value::kInteger:
      return std::to_string(value.integer());
    case v1::Value::kDecimal:
      return FormatDecimal(value.decimal());
    case v1::Value::kDate:
      return expr::FormatIsoDate(value.date());
    case v1::Value::kSelectOne:
      return value.select_one();
    case v1::Value::kSelectMultiple: {
      std::string out;
      for (const auto& s : value.select_multiple().values()) {
        if (!out.empty()) out.push_back(' ');
        out += s;
      }
      return out;
    }
    case v1::Value::kGeopoint: {
      const auto& g = value.geopoint();
      return FormatDecimal(g.latitude()) + " " + FormatDecimal(g.longitude()) + " " +
             FormatDecimal(g.altitude()) + " " + FormatDecimal(g.accuracy_m());
    }
    case v1::Value::kSignature: {
      const auto& s = value.signature();
      if (!s.proxy_signer_name().empty()) {
        return "signed by " + s.proxy_signer_name() + " for " + s.signer_name();
      }
      return s.signer_name().empty() ? std::string("signed") : "signed by " + s.signer_name();
    }
    case v1::Value::kAttachment: {
      const std::string& b = value.attachment().sha256();
      return "sha256:" + ToHex(reinterpret_cast<const uint8_t*>(b.data()), b.size());
    }
    case v1::Value::kFlag:
      return value.flag() ? "true" : "false";
    case v1::Value::kInstance:
    case v1::Value::KIND_NOT_SET:
      return {};
  }
  return {};
}

}  // namespace doorstep
