#include "export_fields.h"

#include <cmath>
#include <cstdio>

#include "doorstep/registry/model.h"

namespace doorstep::registry {

bool IsUuidText(const std::string& t) {
  if (t.size() != 36) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::optional<int64_t> ParseIsoTimestampMs(const std::string& t) {
  // YYYY-MM-DDTHH:MM:SS then Z or +HH:MM / -HH:MM
  if (t.size() < 20 || t[10] != 'T' || t[13] != ':' || t[16] != ':') return std::nullopt;
  auto day = ParseIsoDay(t.substr(0, 10));
  if (!day) return std::nullopt;
  auto two = [&](size_t at, int* out) {
    if (at + 2 > t.size() || t[at] < '0' || t[at] > '9' || t[at + 1] < '0' || t[at + 1] > '9') {
      return false;
    }
    *out = (t[at] - '0') * 10 + (t[at + 1] - '0');
    return true;
  };
  int hh = 0, mm = 0, ss = 0;
  if (!two(11, &hh) || !two(14, &mm) || !two(17, &ss) || hh > 23 || mm > 59 || ss > 60) {
    return std::nullopt;
  }
  int offset_min = 0;
  const std::string zone = t.substr(19);
  if (zone == "Z") {
    offset_min = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh = 0, om = 0;
    if (!two(20, &oh) || !two(23, &om) || oh > 14 || om > 59) return std::nullopt;
    offset_min = (zone[0] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  const int64_t seconds = int64_t{*day} * 86400 + hh * 3600 + mm * 60 + ss - offset_min * 60;
  return seconds * 1000;
}

std::string FormatBeijingTimestamp(int64_t ms) {
  const int64_t local = ms / 1000 + 8 * 3600;
  const int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  const int64_t rem = local - days * 86400;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d+08:00",
                FormatIsoDay(static_cast<int32_t>(days)).c_str(), static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}

std::string FormatAmount(double v) {
  char buf[64];
  if (std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f", v);
  }
  return buf;
}

}  // namespace doorstep::registry
