// The township office's tools for the dynamic-management round test (registry_round_test.cpp):
// the `doorstep` binary run as a clerk runs it on the reviewer's store, the report CSV read back
// by village and column, and the sample township picked apart for households of each kind.
#pragma once

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "doorstep/registry/model.h"
#include "doorstep/registry/poverty_line.h"
#include "test_support.h"

namespace doorstep::testing::round {

struct Output {
  int code = -1;
  std::string text;  // stdout and stderr
};

inline std::string Binary() {
  return (std::filesystem::path(DOORSTEP_BINARY_DIR) / "platform" / "cli" / "doorstep").string();
}

inline std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline Output Run(const std::vector<std::string>& args) {
  std::string cmd = Quote(Binary());
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " 2>&1";
  Output out;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.text.append(buf, n);
  const int status = pclose(p);
  out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// The clerk's reviewer store: every command is `doorstep --db <office> ...`.
class Office {
 public:
  explicit Office(std::string db) : db_(std::move(db)) {}

  Output operator()(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--db", db_});
    Output out = Run(args);
    // DOORSTEP_ROUND_LOG=FILE keeps a transcript (the README's registry section quotes one).
    if (const char* log = std::getenv("DOORSTEP_ROUND_LOG")) {
      std::ofstream f(log, std::ios::app);
      f << "$ doorstep";
      for (size_t i = 2; i < args.size(); ++i) f << " " << args[i];
      f << "\n" << out.text << (out.code != 0 ? "(exit " + std::to_string(out.code) + ")\n" : "");
    }
    return out;
  }
  // Runs and requires exit code 0.
  std::string Ok(const std::vector<std::string>& args) const {
    Output out = (*this)(args);
    INFO(out.text);
    REQUIRE(out.code == 0);
    return out.text;
  }
  std::string New(const std::string& form) const { return Ok({"record", "new", form}).substr(0, 36); }
  void Set(const std::string& id, const std::vector<std::string>& pairs) const {
    std::vector<std::string> args = {"record", "set", id};
    args.insert(args.end(), pairs.begin(), pairs.end());
    Ok(args);
  }
  void Sign(const std::string& id, const std::string& field, const std::string& signer,
            const std::string& strokes = "team_leader") const {
    Ok({"sign", id, field, "--strokes", SourcePath("examples/signatures/" + strokes + ".json"),
        "--signer", signer});
  }
  Output Finalize(const std::string& id) const { return (*this)({"record", "finalize", id}); }

 private:
  std::string db_;
};

// A report CSV (UTF-8 with BOM, CRLF): cell by village and header.
class ReportTable {
 public:
  explicit ReportTable(std::string text) {
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    std::istringstream in(text);
    std::vector<std::string> header;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::vector<std::string> cells;
      std::stringstream row(line);
      for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
      if (!line.empty() && line.back() == ',') cells.emplace_back();  // an empty last cell
      if (header.empty()) {
        header = cells;
        continue;
      }
      REQUIRE(cells.size() == header.size());
      for (size_t i = 0; i < cells.size(); ++i) cells_[{cells[2], header[i]}] = cells[i];
      villages_.push_back(cells[2]);
    }
    columns_ = header;
  }
  const std::string& Cell(const std::string& village, const std::string& column) const {
    auto it = cells_.find({village, column});
    INFO(village << " / " << column);
    REQUIRE(it != cells_.end());
    return it->second;
  }
  int Int(const std::string& village, const std::string& column) const {
    return std::stoi(Cell(village, column));
  }
  const std::vector<std::string>& columns() const { return columns_; }
  const std::vector<std::string>& villages() const { return villages_; }

 private:
  std::map<std::pair<std::string, std::string>, std::string> cells_;
  std::vector<std::string> columns_;
  std::vector<std::string> villages_;
};

// "12.35" for 12.345%: the report's plain percentage.
inline std::string Percent(int part, int whole) {
  if (whole <= 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", 100.0 * part / whole);
  return buf;
}

}  // namespace doorstep::testing::round
