#include "output.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.h"
#include "doorstep/core/expression.h"
#include "doorstep/posix/read_file.h"

namespace doorstep::cli {

std::string LabelText(const v1::Label& label, const std::string& lang,
                      const std::string& fallback) {
  const std::string& first = lang == "en" ? label.en() : label.zh();
  const std::string& second = lang == "en" ? label.zh() : label.en();
  if (!first.empty()) return first;
  if (!second.empty()) return second;
  return fallback;
}

namespace {

struct LocalParts {
  std::string date;  // YYYY-MM-DD
  char time[16];     // HH:MM:SS
};

LocalParts Split(int64_t ms, int offset_minutes) {
  int64_t local_s = ms / 1000 - (ms % 1000 < 0 ? 1 : 0) + int64_t{offset_minutes} * 60;
  int64_t days = local_s / 86400;
  int64_t secs = local_s % 86400;
  if (secs < 0) {
    secs += 86400;
    days -= 1;
  }
  LocalParts p;
  p.date = expr::FormatIsoDate(static_cast<int32_t>(days));
  std::snprintf(p.time, sizeof(p.time), "%02d:%02d:%02d", static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return p;
}

}  // namespace

std::string FormatLocalTime(int64_t ms, int offset_minutes) {
  LocalParts p = Split(ms, offset_minutes);
  return p.date + " " + p.time;
}

std::string FormatIsoTime(int64_t ms, int offset_minutes) {
  LocalParts p = Split(ms, offset_minutes);
  const int off = (offset_minutes < 0 ? -offset_minutes : offset_minutes) % (24 * 60);
  char zone[16];
  std::snprintf(zone, sizeof(zone), "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', off / 60,
                off % 60);
  return p.date + "T" + p.time + zone;
}

void WriteOutput(const std::string& file, std::string_view content) {
  if (file.empty() || file == "-") {
    std::cout.write(content.data(), static_cast<std::streamsize>(content.size()));
    return;
  }
  const std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) Fail("cannot write '" + file + "'");
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      out.close();
      std::remove(tmp.c_str());
      Fail("cannot write '" + file + "'");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::remove(tmp.c_str());
    Fail("cannot write '" + file + "': " + ec.message());
  }
}

std::string ReadFileOrFail(const std::string& path, const std::string& what,
                           uint64_t max_bytes) {
  auto bytes = posix::ReadFileLimited(path, max_bytes, what);
  if (!bytes.ok()) Fail(bytes.status().message());
  return std::move(bytes).value();
}

}  // namespace doorstep::cli
