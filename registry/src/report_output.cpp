// Township report output: the clerk's aligned Chinese tables and the CSV for Excel.

#include <string>
#include <vector>

#include "doorstep/registry/report.h"
#include "report_format.h"

namespace doorstep::registry {
namespace {

using format::Align;

struct StatusColumn {
  const char* status;
  const char* title;
};

constexpr StatusColumn kStatusColumns[] = {
    {kStatusNew, "新纳入"},    {kStatusPoor, "未脱贫"},  {kStatusLifted, "已脱贫"},
    {kStatusReturned, "返贫"}, {kStatusRemoved, "清退"},
};

StatusCount CountOf(const VillageReport& r, const char* status) {
  const auto it = r.by_status.find(status);
  return it != r.by_status.end() ? it->second : StatusCount{};
}

std::string Num(int n) {
  return std::to_string(n);
}
// 0 means "no register" for the population: shown as unknown, not as an empty village.
std::string Population(int n) {
  return n > 0 ? Num(n) : "-";
}

std::vector<const VillageReport*> Rows(const TownshipReport& report) {
  std::vector<const VillageReport*> rows;
  for (const VillageReport& v : report.villages) rows.push_back(&v);
  rows.push_back(&report.total);
  return rows;
}

std::string StatusTable(const TownshipReport& report) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"村"};
  for (const StatusColumn& c : kStatusColumns) header.push_back(std::string(c.title) + "(户/人)");
  for (const char* h : {"在册户数", "贫困人口", "农村户籍人口", "贫困发生率"}) header.push_back(h);
  rows.push_back(header);
  for (const VillageReport* r : Rows(report)) {
    std::vector<std::string> row = {r->village};
    for (const StatusColumn& c : kStatusColumns) {
      const StatusCount n = CountOf(*r, c.status);
      row.push_back(Num(n.households) + "/" + Num(n.people));
    }
    row.push_back(Num(r->registered_households));
    row.push_back(Num(r->poor_people));
    row.push_back(Population(r->rural_population));
    row.push_back(format::Percent(r->incidence));
    rows.push_back(row);
  }
  return format::Table(rows,
                       {Align::kLeft, Align::kRight, Align::kRight, Align::kRight, Align::kRight,
                        Align::kRight, Align::kRight, Align::kRight, Align::kRight, Align::kRight});
}

std::string Pair(const StatusCount& c) {
  return Num(c.households) + "/" + Num(c.people);
}

std::string ChangeTable(const TownshipReport& report) {
  std::vector<std::vector<std::string>> rows = {
      {"村", "本年新纳入(户/人)", "其中漏评", "本年脱贫(户/人)", "本年返贫(户/人)", "其中核查发现",
       "本年清退(户/人)", "应调查户数", "已走访户数", "走访进度"}};
  for (const VillageReport* r : Rows(report)) {
    rows.push_back({r->village, Pair(r->new_this_year), Pair(r->missed),
                    Pair(r->lifted_this_year), Pair(r->returned_this_year),
                    Pair(r->returned_by_review), Pair(r->removed_this_year), Num(r->assigned),
                    Num(r->visited), format::Percent(VisitProgress(*r))});
  }
  std::vector<Align> align(rows[0].size(), Align::kRight);
  align[0] = Align::kLeft;
  return format::Table(rows, align);
}

std::string ProposedTable(const TownshipReport& report) {
  std::vector<std::vector<std::string>> rows = {
      {"村", "拟脱贫(户/人)", "拟新纳入(户/人)", "拟返贫(户/人)", "拟清退(户/人)"}};
  for (const VillageReport* r : Rows(report)) {
    rows.push_back({r->village, Pair(r->proposed_exit), Pair(r->proposed_new),
                    Pair(r->proposed_return), Pair(r->proposed_removal)});
  }
  return format::Table(rows,
                       {Align::kLeft, Align::kRight, Align::kRight, Align::kRight, Align::kRight});
}

std::string AccuracyTable(const TownshipReport& report) {
  std::vector<std::vector<std::string>> rows = {{"村", "错评核查户数", "错评确认(户/人)", "错评率",
                                                 "错退核查户数", "错退确认(户/人)", "错退率"}};
  for (const VillageReport* r : Rows(report)) {
    rows.push_back(
        {r->village, Num(r->misidentification_reviewed),
         Num(r->misidentification_confirmed) + "/" + Num(r->misidentification_confirmed_people),
         format::Percent(r->misidentification_rate), Num(r->wrong_exit_reviewed),
         Num(r->wrong_exit_confirmed) + "/" + Num(r->wrong_exit_confirmed_people),
         format::Percent(r->wrong_exit_rate)});
  }
  return format::Table(rows, {Align::kLeft, Align::kRight, Align::kRight, Align::kRight,
                              Align::kRight, Align::kRight, Align::kRight});
}

}  // namespace

std::string ReportText(const TownshipReport& report) {
  std::string out = Num(report.year) + " 年度建档立卡统计报表";
  const std::string place = report.total.county + report.total.township;
  if (!place.empty()) out += "（" + place + "）";
  out += "\n\n一、贫困户与贫困人口\n" + StatusTable(report);
  out += "\n二、本年变动与入户调查进度\n" + ChangeTable(report);
  out += "\n三、拟调整（截至 " + FormatIsoDay(report.as_of) + " 仍在程序中）\n" +
         ProposedTable(report);
  out += "\n四、识别精准度（错评、错退）\n" + AccuracyTable(report);
  out +=
      "\n说明：贫困发生率 = 贫困人口 / 农村户籍人口；\"-\" 表示未知（无贫困村登记表或无核查）。\n";
  return out;
}

std::string ReportCsv(const TownshipReport& report) {
  std::string out(format::kUtf8Bom);
  std::vector<std::string> header = {"县", "乡镇", "村", "年度"};
  for (const StatusColumn& c : kStatusColumns) {
    header.push_back(std::string(c.title) + "户数");
    header.push_back(std::string(c.title) + "人数");
  }
  for (const char* h : {"在册户数", "贫困人口", "农村户籍人口", "贫困发生率(%)"}) header.push_back(h);
  for (const char* h : {"本年新纳入", "其中漏评", "本年脱贫", "本年返贫", "其中核查发现",
                        "本年清退", "拟脱贫", "拟新纳入", "拟返贫", "拟清退"}) {
    header.push_back(std::string(h) + "户数");
    header.push_back(std::string(h) + "人数");
  }
  for (const char* h : {"应调查户数", "已走访户数", "走访进度(%)", "错评核查户数", "错评确认户数",
                        "错评确认人数", "错评率(%)", "错退核查户数", "错退确认户数",
                        "错退确认人数", "错退率(%)"}) {
    header.push_back(h);
  }
  format::AppendCsvRow(&out, header);
  for (const VillageReport* r : Rows(report)) {
    std::vector<std::string> row = {r->county, r->township, r->village, Num(report.year)};
    for (const StatusColumn& c : kStatusColumns) {
      const StatusCount n = CountOf(*r, c.status);
      row.push_back(Num(n.households));
      row.push_back(Num(n.people));
    }
    for (const std::string& cell :
         {Num(r->registered_households), Num(r->poor_people),
          r->rural_population > 0 ? Num(r->rural_population) : std::string(),
          format::PercentNumber(r->incidence)}) {
      row.push_back(cell);
    }
    for (const StatusCount& c :
         {r->new_this_year, r->missed, r->lifted_this_year, r->returned_this_year,
          r->returned_by_review, r->removed_this_year, r->proposed_exit, r->proposed_new,
          r->proposed_return, r->proposed_removal}) {
      row.push_back(Num(c.households));
      row.push_back(Num(c.people));
    }
    for (const std::string& cell :
         {Num(r->assigned), Num(r->visited), format::PercentNumber(VisitProgress(*r)),
          Num(r->misidentification_reviewed), Num(r->misidentification_confirmed),
          Num(r->misidentification_confirmed_people),
          format::PercentNumber(r->misidentification_rate), Num(r->wrong_exit_reviewed),
          Num(r->wrong_exit_confirmed), Num(r->wrong_exit_confirmed_people),
          format::PercentNumber(r->wrong_exit_rate)}) {
      row.push_back(cell);
    }
    format::AppendCsvRow(&out, row);
  }
  return out;
}

}  // namespace doorstep::registry
