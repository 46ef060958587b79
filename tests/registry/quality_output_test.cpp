// Problem list output: titles, the clerk's text list (grouping, counts, CJK-aligned columns) and
// the CSV (BOM, quoting, formula-injection guard). No output ever carries an ID number.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "doorstep/registry/quality.h"
#include "quality_fixtures.h"

namespace doorstep::registry {
namespace {

using quality_test::CleanHousehold;
using quality_test::ProblemsOf;

Problem MakeProblem(const std::string& village, const std::string& no, const std::string& head,
                    const std::string& code, const std::string& detail) {
  Problem p;
  p.code = code;
  p.village = village;
  p.household_id = "hh-" + no.substr(no.size() - 2);
  p.household_no = no;
  p.head_name = head;
  p.detail = detail;
  return p;
}

std::vector<Problem> SampleProblems() {
  Problem school = MakeProblem("坪新冲村", "5226310020300001", "王建国", "age_school_mismatch",
                               "年龄 19 岁，在校情况为“初中”，该情况应为 10-18 岁");
  school.member_index = 2;
  school.member_name = "王小明";
  Problem sig =
      MakeProblem("坪新冲村", "5226310020300001", "王建国", "signature_missing", "缺少调查员签名");
  sig.role = "surveyor";
  Problem visit =
      MakeProblem("高寨村", "5226310020300002", "李四", "visit_stale", "未记录入户走访日期");
  return {school, sig, visit};
}

TEST_CASE("ProblemTitle for every code", "[quality]") {
  CHECK(std::string(ProblemTitle("duplicate_id_across_households")) == "身份证号重复（跨户）");
  CHECK(std::string(ProblemTitle("duplicate_id_in_household")) == "身份证号重复（户内）");
  CHECK(std::string(ProblemTitle("duplicate_household")) == "户编号重复");
  CHECK(std::string(ProblemTitle("invalid_resident_id")) == "身份证号无效");
  CHECK(std::string(ProblemTitle("age_school_mismatch")) == "年龄与在校情况不符");
  CHECK(std::string(ProblemTitle("age_relation_mismatch")) == "年龄与家庭关系不符");
  CHECK(std::string(ProblemTitle("lifted_below_line")) == "已脱贫户收入未超过贫困线");
  CHECK(std::string(ProblemTitle("lifted_guarantee_unmet")) == "已脱贫户“两不愁三保障”未达标");
  CHECK(std::string(ProblemTitle("poor_far_above_line")) == "疑似错评（收入远超贫困线）");
  CHECK(std::string(ProblemTitle("should_exit")) == "应退未退");
  CHECK(std::string(ProblemTitle("missed_household_not_included")) == "漏评户未纳入");
  CHECK(std::string(ProblemTitle("wrong_inclusion_not_removed")) == "错评未清退");
  CHECK(std::string(ProblemTitle("wrong_exit_not_corrected")) == "错退未纠正");
  CHECK(std::string(ProblemTitle("comparison_flags_unhandled")) == "比对疑点未处理");
  CHECK(std::string(ProblemTitle("low_income_guarantee_missing")) == "低保应保未保");
  CHECK(std::string(ProblemTitle("medical_insurance_missing")) == "未参加基本医疗保险");
  CHECK(std::string(ProblemTitle("dangerous_house")) == "贫困户住危房");
  CHECK(std::string(ProblemTitle("no_assistance_cadre")) == "未落实帮扶责任人");
  CHECK(std::string(ProblemTitle("no_measures_this_year")) == "当年无帮扶措施");
  CHECK(std::string(ProblemTitle("assistance_visit_overdue")) == "帮扶走访超期");
  CHECK(std::string(ProblemTitle("signature_missing")) == "缺少签名");
  CHECK(std::string(ProblemTitle("signature_stale")) == "签名已失效");
  CHECK(std::string(ProblemTitle("visit_stale")) == "入户走访超期");
  CHECK(std::string(ProblemTitle("income_implausible")) == "收入数据异常");
  CHECK(std::string(ProblemTitle("empty_household_not_removed")) == "无在册成员未清退");
  CHECK(std::string(ProblemTitle("no_such_code")) == "其他问题");
  CHECK(RoleTitle("team_leader") == "调查组组长");
  CHECK(RoleTitle("someone") == "someone");
}

TEST_CASE("ProblemsText groups by village with counts and aligned columns", "[quality]") {
  const std::string expected =
      "问题清单：共 3 个问题，涉及 2 个村\n"
      "\n"
      "【坪新冲村】2 个问题\n"
      "  年龄与在校情况不符  1\n"
      "  缺少签名            1\n"
      "\n"
      "户编号            户主    成员    问题                说明\n"
      "5226310020300001  王建国  王小明  年龄与在校情况不符  "
      "年龄 19 岁，在校情况为“初中”，该情况应为 10-18 岁\n"
      "5226310020300001  王建国          缺少签名            缺少调查员签名\n"
      "\n"
      "【高寨村】1 个问题\n"
      "  入户走访超期  1\n"
      "\n"
      "户编号            户主  成员  问题          说明\n"
      "5226310020300002  李四        入户走访超期  未记录入户走访日期\n";
  CHECK(ProblemsText(SampleProblems()) == expected);
  CHECK(ProblemsText({}) == "问题清单：未发现问题\n");
}

TEST_CASE("ProblemsCsv has a BOM, a Chinese header and CRLF rows", "[quality]") {
  const std::string csv = ProblemsCsv(SampleProblems());
  const std::string expected =
      "\xEF\xBB\xBF"
      "村,户编号,户主,成员,问题,说明,问题代码,成员序号,签名角色,户记录ID,评议记录ID\r\n"
      "坪新冲村,5226310020300001,王建国,王小明,年龄与在校情况不符,"
      "年龄 19 岁，在校情况为“初中”，该情况应为 10-18 岁,age_school_mismatch,3,,hh-01,\r\n"
      "坪新冲村,5226310020300001,王建国,,缺少签名,缺少调查员签名,signature_missing,,调查员,"
      "hh-01,\r\n"
      "高寨村,5226310020300002,李四,,入户走访超期,未记录入户走访日期,visit_stale,,,hh-02,\r\n";
  CHECK(csv == expected);
  CHECK(ProblemsCsv({}) ==
        "\xEF\xBB\xBF村,户编号,户主,成员,问题,说明,问题代码,成员序号,签名角色,户记录ID,"
        "评议记录ID\r\n");
}

TEST_CASE("ProblemsCsv quotes and guards against formula injection", "[quality]") {
  Problem p = MakeProblem("村,东", "5226310020300001", "=HYPERLINK(\"http://x\")", "visit_stale",
                          "说明\n第二行");
  p.member_name = "-2+3";
  p.role = "@SUM(A1)";
  p.household_id = "\tcmd";
  const std::string csv = ProblemsCsv({p});
  const std::string row = csv.substr(csv.find("\r\n") + 2);
  CHECK(row ==
        "\"村,东\",5226310020300001,\"'=HYPERLINK(\"\"http://x\"\")\",'-2+3,入户走访超期,"
        "\"说明\n第二行\",visit_stale,,'@SUM(A1),'\tcmd,\r\n");
  Problem cr = p;
  cr.head_name = "\r=1";
  cr.member_name = "+1";
  cr.role.clear();
  const std::string csv2 = ProblemsCsv({cr});
  CHECK(csv2.find(",\"'\r=1\",'+1,") != std::string::npos);
}

TEST_CASE("problem list output never contains an ID number", "[quality]") {
  Household a = CleanHousehold(1);
  Household b = CleanHousehold(2);
  b.members[3].id_number = a.members[3].id_number;  // across households
  a.members.push_back(a.members[0]);                // within the household
  a.members.push_back(a.members[1]);
  a.members.back().id_number.back() = a.members.back().id_number.back() == '1' ? '2' : '1';
  a.members.back().relation = "other";  // and an invalid one
  const std::vector<Problem> problems = ProblemsOf({a, b});
  REQUIRE(problems.size() == 4);
  const std::string text = ProblemsText(problems);
  const std::string csv = ProblemsCsv(problems);
  for (const Household& h : {a, b}) {
    for (const Member& m : h.members) {
      CHECK(text.find(m.id_number) == std::string::npos);
      CHECK(csv.find(m.id_number) == std::string::npos);
      CHECK(text.find(m.id_number.substr(6, 8)) == std::string::npos);  // nor the birth date
    }
  }
}

}  // namespace
}  // namespace doorstep::registry
