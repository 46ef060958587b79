// The registry commands shared by `doorstep` and `doorstep-server`. See commands.h.

#include "doorstep/registry/commands.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include "doorstep/registry/jsonl.h"
#include "doorstep/registry/poverty_line.h"
#include "doorstep/registry/quality.h"
#include "doorstep/registry/report.h"
#include "doorstep/registry/resident_id.h"
#include "doorstep/registry/sample.h"

namespace doorstep::registry {
namespace {

Township Filter(const Township& t, const std::vector<std::string>& villages) {
  if (villages.empty()) return t;
  auto wanted = [&](const std::string& v) {
    return std::find(villages.begin(), villages.end(), v) != villages.end();
  };
  Township out;
  for (const auto& h : t.households) {
    if (wanted(h.village)) out.households.push_back(h);
  }
  for (const auto& r : t.reviews) {
    if (wanted(r.village)) out.reviews.push_back(r);
  }
  for (const auto& r : t.misidentification_reviews) {
    if (wanted(r.village)) out.misidentification_reviews.push_back(r);
  }
  for (const auto& v : t.villages) {
    if (wanted(v.village)) out.villages.push_back(v);
  }
  for (const auto& v : t.visits) {
    if (wanted(v.village)) out.visits.push_back(v);
  }
  return out;
}

bool Blank(const std::string& s) {
  return s.find_first_not_of(" \t") == std::string::npos;
}

// The sample's place options: a county code the resident IDs and the poverty lines know, names
// that are there and village names that are unique and as many as the villages.
Status CheckPlace(const SampleRequest& request, int villages) {
  const std::string& code = request.county_code;
  const bool digits = code.size() == 6 && code.find_first_not_of("0123456789") == std::string::npos;
  if (!code.empty() && !(digits && IsProvinceCode(code.substr(0, 2)))) {
    return Status(Code::kInvalidArgument,
                  "must be 6 digits starting with a province code (11-15, 21-23, 31-37, 41-46, "
                  "50-54, 61-65, 71, 81, 82), e.g. 522631; got \"" +
                      code + "\"",
                  "--county-code");
  }
  if (!request.county.empty() && Blank(request.county)) {
    return Status(Code::kInvalidArgument, "must not be blank", "--county");
  }
  if (!request.township.empty() && Blank(request.township)) {
    return Status(Code::kInvalidArgument, "must not be blank", "--township");
  }
  const std::vector<std::string>& names = request.village_names;
  if (names.empty()) return Status::Ok();
  if (static_cast<int>(names.size()) != villages) {
    return Status(Code::kInvalidArgument,
                  "gives " + std::to_string(names.size()) + " names but --villages is " +
                      std::to_string(villages),
                  "--villages-names");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (Blank(names[i])) {
      return Status(Code::kInvalidArgument, "village name " + std::to_string(i + 1) + " is empty",
                    "--villages-names");
    }
    if (!seen.insert(names[i]).second) {
      return Status(Code::kInvalidArgument, "village name \"" + names[i] + "\" is given twice",
                    "--villages-names");
    }
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> SplitVillageNames(const std::string& list) {
  std::vector<std::string> names;
  std::string current;
  auto flush = [&] {
    const size_t begin = current.find_first_not_of(" \t");
    const size_t end = current.find_last_not_of(" \t");
    names.push_back(begin == std::string::npos ? "" : current.substr(begin, end - begin + 1));
    current.clear();
  };
  for (size_t i = 0; i < list.size();) {
    if (list[i] == ',') {
      flush();
      ++i;
    } else if (list.compare(i, 3, "，") == 0 || list.compare(i, 3, "、") == 0) {
      flush();
      i += 3;
    } else {
      current += list[i++];
    }
  }
  flush();
  return names;
}

Status WriteFileAtomically(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Status(Code::kIo, "cannot create the file", tmp);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      return Status(Code::kIo, "cannot write the file (disk full?)", tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status(Code::kIo, "cannot move the file into place", path);
  }
  return Status::Ok();
}

Result<size_t> RunProblems(const Township& township, const ProblemsRequest& request,
                           std::ostream& out) {
  if (request.today == kNoDay) return Status(Code::kInvalidArgument, "today is required", "today");
  PovertyLines lines = PovertyLines::BuiltIn();
  if (!request.lines_file.empty()) {
    DS_ASSIGN_OR_RETURN(lines, PovertyLines::LoadFile(request.lines_file));
  }
  QualityOptions options;
  options.today = request.today;
  options.max_visit_age_days = request.max_visit_age_days;
  options.max_assistance_gap_days = request.max_assistance_gap_days;
  options.far_above_factor = request.far_above_factor;
  options.max_per_capita_yuan = request.max_per_capita_yuan;
  options.lines = &lines;
  const Township t = Filter(township, request.villages);
  std::vector<Problem> problems = FindProblems(t, options);
  std::set<std::string> villages;
  for (const Household& h : t.households) villages.insert(h.village);
  out << "检查范围：" << villages.size() << " 个村，" << t.households.size() << " 户（检查日期 "
      << FormatIsoDay(request.today) << "）\n";
  out << ProblemsText(problems);
  if (!request.csv_file.empty()) {
    DS_RETURN_IF_ERROR(WriteFileAtomically(request.csv_file, ProblemsCsv(problems)));
    out << "CSV: " << request.csv_file << "\n";
  }
  return problems.size();
}

Status RunReport(const Township& township, const ReportRequest& request, std::ostream& out) {
  if (request.year <= 0) return Status(Code::kInvalidArgument, "year is required", "year");
  const TownshipReport report = BuildReport(Filter(township, request.villages), request.year, request.as_of);
  out << ReportText(report);
  if (!request.csv_file.empty()) {
    DS_RETURN_IF_ERROR(WriteFileAtomically(request.csv_file, ReportCsv(report)));
    out << "CSV: " << request.csv_file << "\n";
  }
  return Status::Ok();
}

Status RunSample(const SampleRequest& request, std::ostream& out) {
  int villages = request.villages != 0 ? request.villages : 14;
  if (request.villages == 0 && !request.village_names.empty()) {
    villages = static_cast<int>(request.village_names.size());
  }
  if (villages < 1 || villages > 1000) {
    return Status(Code::kInvalidArgument, "must be between 1 and 1000", "villages");
  }
  DS_RETURN_IF_ERROR(CheckPlace(request, villages));
  if (request.households < villages || request.households > 1000000) {
    return Status(Code::kInvalidArgument, "must be between the village count and 1000000",
                  "households");
  }
  if (request.out_file.empty()) return Status(Code::kInvalidArgument, "is required", "out");
  SampleOptions options;
  options.villages = villages;
  options.households = request.households;
  if (!request.county.empty()) options.county = request.county;
  if (!request.county_code.empty()) options.county_code = request.county_code;
  if (!request.township.empty()) options.township = request.township;
  options.village_names = request.village_names;
  options.seed = request.seed;
  options.plant_problems = request.plant_problems;
  if (request.today != kNoDay) options.today = request.today;
  const Sample sample = GenerateTownship(options);
  std::string lines;
  for (const auto& v : sample.township.villages) lines += VillageRegisterJson(v) + "\n";
  for (const auto& h : sample.township.households) lines += HouseholdJson(h) + "\n";
  for (const auto& r : sample.township.misidentification_reviews) {
    lines += MisidentificationReviewJson(r) + "\n";
  }
  for (const auto& r : sample.township.reviews) lines += StatusReviewJson(r) + "\n";
  DS_RETURN_IF_ERROR(WriteFileAtomically(request.out_file, lines));
  size_t people = 0;
  for (const auto& h : sample.township.households) people += h.members.size();
  out << "样本乡镇 " << options.county << options.township << "（" << options.county_code
      << "，seed " << request.seed << "）: " << sample.township.villages.size() << " 个村, "
      << sample.township.households.size() << " 户, " << people << " 人, "
      << sample.township.misidentification_reviews.size() << " 条识别核定, "
      << sample.township.reviews.size() << " 条动态调整评议 -> " << request.out_file
      << "\n";
  if (!request.csv_file.empty()) {
    std::string csv = "\xEF\xBB\xBF";
    const auto& columns = CsvColumns();
    for (size_t i = 0; i < columns.size(); ++i) csv += (i ? "," : "") + columns[i];
    csv += "\r\n";
    for (const auto& h : sample.township.households) csv += HouseholdCsvRows(h);
    DS_RETURN_IF_ERROR(WriteFileAtomically(request.csv_file, csv));
    out << "CSV: " << request.csv_file << "\n";
  }
  if (!request.planted_file.empty()) {
    std::string planted;
    std::map<std::string, size_t> counts;
    for (const PlantedProblem& p : sample.planted) {
      nlohmann::json j{{"code", p.code},
                       {"household_id", p.household_id},
                       {"member_index", p.member_index},
                       {"role", p.role},
                       {"review_id", p.review_id}};
      planted += j.dump() + "\n";
      ++counts[p.code];
    }
    DS_RETURN_IF_ERROR(WriteFileAtomically(request.planted_file, planted));
    out << "埋设问题 " << sample.planted.size() << " 个 -> " << request.planted_file << "\n";
    for (const auto& [code, n] : counts) out << "  " << ProblemTitle(code) << ": " << n << "\n";
  }
  return Status::Ok();
}

}  // namespace doorstep::registry
