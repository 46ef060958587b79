// Expression functions (every one, with edge cases), select_multiple answers, repeats seen as
// lists, dates and the calendar helpers.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "doorstep/core/expression.h"
#include "expression_test_util.h"

namespace doorstep::expr {
namespace {

using testing::D;
using testing::Eval;
using testing::L;
using testing::N;
using testing::Num;
using testing::S;
using testing::Str;
using testing::TestContext;
using testing::Truth;

TEST_CASE("if, not, boolean, true, false, coalesce", "[core][expr]") {
  CHECK(Str("if(1 > 0, 'yes', 'no')") == "yes");
  CHECK(Str("if('', 'yes', 'no')") == "no");
  CHECK(Num("if(true(), 1, 2) + 10") == 11);
  CHECK(Eval("if(false(), 1, ${missing})").is_empty());
  CHECK(Truth("not(false())"));
  CHECK_FALSE(Truth("not('x')"));
  CHECK(Truth("not(${missing})"));
  CHECK(Eval("true()").kind() == ExprValue::Kind::kBool);
  CHECK(Str("true()") == "true");
  CHECK(Str("false()") == "false");
  CHECK(Truth("boolean('false')"));  // non-empty string
  CHECK_FALSE(Truth("boolean(0)"));
  CHECK_FALSE(Truth("boolean(0 div 0)"));
  CHECK(Truth("boolean(-1)"));

  TestContext ctx;
  ctx.Set("nick", S("")).Set("name", S("李雷")).Set("none", L({})).Set("zero", N(0));
  CHECK(Str("coalesce(${nick}, ${name})", ctx) == "李雷");
  CHECK(Str("coalesce(${missing}, 'x')", ctx) == "x");
  CHECK(Str("coalesce(${none}, 'x')", ctx) == "x");
  CHECK(Num("coalesce(${zero}, 5)", ctx) == 0);  // 0 is an answer
  CHECK(Eval("coalesce(${missing}, ${nick})", ctx).AsString().empty());
}

TEST_CASE("selected and count-selected on select_multiple answers", "[core][expr]") {
  TestContext ctx;
  ctx.Set("langs", S("zh en  fr")).Set("blank", S("")).Set("one", S("yes"));
  CHECK(Truth("selected(${langs}, 'en')", ctx));
  CHECK(Truth("selected(${langs}, ' fr ')", ctx));     // the value is trimmed
  CHECK_FALSE(Truth("selected(${langs}, 'e')", ctx));  // whole tokens only
  CHECK_FALSE(Truth("selected(${langs}, '')", ctx));
  CHECK_FALSE(Truth("selected(${blank}, 'en')", ctx));
  CHECK_FALSE(Truth("selected(${missing}, 'en')", ctx));
  CHECK(Truth("selected(${one}, 'yes')", ctx));  // works on select_one too
  CHECK(Truth("selected('1 2 3', 2)", ctx));     // numbers as text
  CHECK(Num("count-selected(${langs})", ctx) == 3);
  CHECK(Num("count-selected(${blank})", ctx) == 0);
  CHECK(Num("count-selected(${missing})", ctx) == 0);
  CHECK(Num("count-selected(' a ')", ctx) == 1);
  // A select_multiple in a repeat, seen from outside: selected in any instance.
  ctx.Set("each", L({S("a b"), S(""), S("c")}));
  CHECK(Truth("selected(${each}, 'c')", ctx));
  CHECK_FALSE(Truth("selected(${each}, 'd')", ctx));
}

TEST_CASE("count, sum, min, max over repeats (lists) and scalars", "[core][expr]") {
  TestContext ctx;
  ctx.Set("ages", L({N(34), N(7), N(61)}))
      .Set("incomes", L({S("1200"), S(""), N(300.5)}))
      .Set("junk", L({N(1), S("abc")}))
      .Set("gaps", L({N(5), ExprValue()}))
      .Set("none", L({}))
      .Set("members", L({S("i1"), S("i2")}))
      .Set("x", N(4))
      .Set("blank", S(""));
  CHECK(Num("count(${members})", ctx) == 2);
  CHECK(Num("count(${none})", ctx) == 0);
  CHECK(Num("count(${incomes})", ctx) == 3);  // instances, answered or not
  CHECK(Num("count(${x})", ctx) == 1);
  CHECK(Num("count(${blank})", ctx) == 0);
  CHECK(Num("count(${missing})", ctx) == 0);

  CHECK(Num("sum(${ages})", ctx) == 102);
  CHECK(Num("sum(${incomes})", ctx) == 1500.5);  // blank counts as 0
  CHECK(std::isnan(Num("sum(${junk})", ctx)));
  CHECK(Num("sum(${none})", ctx) == 0);
  CHECK(Num("sum(${x})", ctx) == 4);
  CHECK(Num("sum(${missing})", ctx) == 0);

  CHECK(Num("min(${ages})", ctx) == 7);
  CHECK(Num("max(${ages})", ctx) == 61);
  CHECK(Num("max(${ages}, 100)", ctx) == 100);
  CHECK(Num("min(3, 1, 2)", ctx) == 1);
  CHECK(Num("max('10', 9)", ctx) == 10);
  CHECK(std::isnan(Num("min(${gaps})", ctx)));  // a blank item is NaN
  CHECK(std::isnan(Num("max(${none})", ctx)));  // no values at all
  CHECK(std::isnan(Num("max(1, 'abc')", ctx)));
  CHECK(std::isnan(Num("min(${missing}, 1)", ctx)));
  CHECK(Truth("count(${ages}) = 3 and max(${ages}) - min(${ages}) = 54", ctx));
}

TEST_CASE("string-length counts code points", "[core][expr]") {
  TestContext ctx;
  ctx.Set("name", S("欧阳娜娜")).Set("mixed", S("Li 雷")).Set("n", N(12.5));
  CHECK(Num("string-length(${name})", ctx) == 4);
  CHECK(Num("string-length(${mixed})", ctx) == 4);
  CHECK(Num("string-length('')", ctx) == 0);
  CHECK(Num("string-length(${missing})", ctx) == 0);
  CHECK(Num("string-length(${n})", ctx) == 4);  // "12.5"
  CHECK(Num("string-length('😀')", ctx) == 1);
  ctx.self = S("王小明");
  CHECK(Num("string-length()", ctx) == 3);  // no argument: "."
  CHECK(Truth("string-length(.) >= 2 and string-length(.) <= 4", ctx));
}

TEST_CASE("regex matches the whole string", "[core][expr]") {
  TestContext ctx;
  ctx.Set("phone", S("13812345678")).Set("id", S("11010519491231002X"));
  CHECK(Truth("regex(${phone}, '1[3-9][0-9]{9}')", ctx));
  CHECK_FALSE(Truth("regex(${phone}, '1[3-9][0-9]{8}')", ctx));  // no partial match
  CHECK_FALSE(Truth("regex('abc', 'b')", ctx));
  CHECK(Truth("regex('abc', '.*b.*')", ctx));
  CHECK(Truth("regex(${id}, '^\\d{17}[\\dXx]$')", ctx));
  CHECK(Truth("regex('', 'a*')", ctx));
  CHECK(Truth("regex(${missing}, '')", ctx));
  CHECK(Truth("regex(12, '[0-9]+')", ctx));
  CHECK(Truth("regex('Ab', '(?:a|A)b')", ctx));
  CHECK(Truth("regex('pw12', '(?=.*[0-9]).{4,}')", ctx));  // lookahead
  ctx.Set("pattern", S("[a-z]+"));
  CHECK(Truth("regex('abc', ${pattern})", ctx));
}

TEST_CASE("concat, join, string, contains, starts-with, ends-with, substr", "[core][expr]") {
  TestContext ctx;
  ctx.Set("first", S("张")).Set("last", S("三")).Set("kids", L({S("a"), S("b"), S("c")}));
  CHECK(Str("concat()", ctx).empty());
  CHECK(Str("concat(${first}, ${last})", ctx) == "张三");
  CHECK(Str("concat('n=', 2.50, ', ok=', true())", ctx) == "n=2.5, ok=true");
  CHECK(Str("concat(${missing}, 'x')", ctx) == "x");
  CHECK(Str("concat(${kids}, '!')", ctx) == "abc!");  // every item of a list
  CHECK(Str("join(', ', ${kids})", ctx) == "a, b, c");
  CHECK(Str("join('-', 1, ${kids}, 2)", ctx) == "1-a-b-c-2");
  CHECK(Str("join('-')", ctx).empty());

  CHECK(Str("string(1.0)", ctx) == "1");
  CHECK(Str("string(0.5)", ctx) == "0.5");
  CHECK(Str("string(1 = 1)", ctx) == "true");
  CHECK(Str("string(${missing})", ctx).empty());
  CHECK(Eval("string(3)", ctx).kind() == ExprValue::Kind::kString);
  ctx.self = N(7);
  CHECK(Str("string()", ctx) == "7");

  CHECK(Truth("contains('household', 'hold')", ctx));
  CHECK_FALSE(Truth("contains('household', 'Hold')", ctx));
  CHECK(Truth("contains('abc', '')", ctx));
  CHECK(Truth("contains('北京市海淀区', '海淀')", ctx));
  CHECK(Truth("starts-with('北京市', '北京')", ctx));
  CHECK_FALSE(Truth("starts-with('ab', 'abc')", ctx));
  CHECK(Truth("starts-with('abc', '')", ctx));
  CHECK(Truth("ends-with('report.pdf', '.pdf')", ctx));
  CHECK_FALSE(Truth("ends-with('pdf', 'x.pdf')", ctx));
  CHECK(Truth("ends-with(${missing}, '')", ctx));

  CHECK(Str("substr('abcdef', 1, 3)", ctx) == "bc");
  CHECK(Str("substr('abcdef', 2)", ctx) == "cdef");
  CHECK(Str("substr('张三丰', 1)", ctx) == "三丰");
  CHECK(Str("substr('张三丰', 0, 1)", ctx) == "张");
  CHECK(Str("substr('abcdef', -2)", ctx) == "ef");  // negative: from the end
  CHECK(Str("substr('abcdef', 0, -1)", ctx) == "abcde");
  CHECK(Str("substr('abc', 5)", ctx).empty());
  CHECK(Str("substr('abc', 2, 1)", ctx).empty());
  CHECK(Str("substr('abc', 0, 100)", ctx) == "abc");
  CHECK(Str("substr('abc', 1.9)", ctx) == "bc");       // positions truncate
  CHECK(Str("substr('abc', 0 div 0)", ctx) == "abc");  // NaN is 0
  CHECK(Str("substr('', 0, 1)", ctx).empty());
  CHECK(Str("substr(${missing}, 1)", ctx).empty());
}

TEST_CASE("number, int, round, floor, ceiling, abs, pow", "[core][expr]") {
  CHECK(Num("number('12')") == 12);
  CHECK(Num("number(' 3.5 ')") == 3.5);
  CHECK(std::isnan(Num("number('abc')")));
  CHECK(std::isnan(Num("number('')")));
  CHECK(Num("number(true())") == 1);
  CHECK(Num("number(date('1970-01-11'))") == 10);
  TestContext ctx;
  ctx.self = S("8");
  CHECK(Num("number()", ctx) == 8);
  CHECK(Num("number(.) * 2", ctx) == 16);

  CHECK(Num("int(3.7)") == 3);
  CHECK(Num("int(-3.7)") == -3);
  CHECK(Num("int('12.9')") == 12);
  CHECK(std::isnan(Num("int('x')")));

  CHECK(Num("round(2.5)") == 3);
  CHECK(Num("round(-2.5)") == -3);  // half away from zero
  CHECK(Num("round(2.4)") == 2);
  CHECK(Num("round(1.005, 2)") == 1.01);  // the decimal a person sees, not 1.00499...
  CHECK(Num("round(3.14159, 3)") == 3.142);
  CHECK(Num("round(1234.5678, -2)") == 1200);
  CHECK(Num("round(0.04, 1)") == 0);
  CHECK(Num("round(0.05, 1)") == 0.1);
  CHECK(Num("round(999.5)") == 1000);
  CHECK(Num("round(7, 400)") == 7);
  CHECK(Num("round(7, -400)") == 0);
  CHECK(std::isnan(Num("round('x')")));
  CHECK(std::isnan(Num("round(1, 'x')")));
  CHECK(Str("round(1 div 0)") == "Infinity");

  CHECK(Num("floor(-1.5)") == -2);
  CHECK(Num("ceiling(1.2)") == 2);
  CHECK(Num("abs(-4.5)") == 4.5);
  CHECK(Num("pow(2, 10)") == 1024);
  CHECK(Num("pow(9, 0.5)") == 3);
  CHECK(std::isnan(Num("abs(${missing})")));
}

TEST_CASE("dates: arithmetic, comparison, date()", "[core][expr]") {
  TestContext ctx;  // today is 2026-11-23
  ctx.Set("dob", D(2000, 2, 29)).Set("visit", D(2026, 11, 1)).Set("text_date", S("2026-11-01"));
  CHECK(Eval("today()", ctx).kind() == ExprValue::Kind::kDate);
  CHECK(Str("today()", ctx) == "2026-11-23");
  CHECK(Num("today() - ${visit}", ctx) == 22);  // days between dates
  CHECK(Num("today() - ${dob}", ctx) == DaysFromCivil(2026, 11, 23) - DaysFromCivil(2000, 2, 29));
  CHECK(Eval("today() - 30", ctx).kind() == ExprValue::Kind::kNumber);
  CHECK(Str("date(today() - 30)", ctx) == "2026-10-24");
  CHECK(Str("date(${dob} + 1)", ctx) == "2000-03-01");
  CHECK(Num("int((today() - ${dob}) div 365.25)", ctx) == 26);  // age in years

  CHECK(Truth("${dob} < today()", ctx));
  CHECK(Truth("${dob} < '2001-01-01'", ctx));  // a date string next to a date is a date
  CHECK(Truth("${visit} = '2026-11-01'", ctx));
  CHECK(Truth("${visit} = ${text_date}", ctx));
  CHECK(Truth("${visit} >= today() - 30", ctx));
  CHECK_FALSE(Truth("${visit} = 'not a date'", ctx));
  CHECK(Truth("${visit} != 'not a date'", ctx));
  CHECK_FALSE(Truth("${missing} < today()", ctx));
  CHECK(Truth("date('2026-11-01') = ${visit}", ctx));

  CHECK(Eval("date('2020-02-30')", ctx).is_empty());
  CHECK(Eval("date('2021-02-29')", ctx).is_empty());
  CHECK(Str("date('2024-02-29')", ctx) == "2024-02-29");
  CHECK(Str("date(' 2024-02-29 ')", ctx) == "2024-02-29");
  CHECK(Str("date('2024-02-29T10:30:00')", ctx) == "2024-02-29");
  CHECK(Eval("date('abc')", ctx).is_empty());
  CHECK(Eval("date('')", ctx).is_empty());
  CHECK(Eval("date(${missing})", ctx).is_empty());
  CHECK(Eval("date(0 div 0)", ctx).is_empty());
  CHECK(Str("date(0)", ctx) == "1970-01-01");
  CHECK(Str("date(-1)", ctx) == "1969-12-31");
  CHECK(Str("date(18262.7)", ctx) == "2020-01-01");
  CHECK(Str("date('18262')", ctx) == "2020-01-01");
  CHECK(Str("date(${visit})", ctx) == "2026-11-01");
  CHECK(Eval("date(100000000)", ctx).is_empty());  // beyond 9999-12-31
}

TEST_CASE("calendar helpers", "[core][expr]") {
  CHECK(DaysFromCivil(1970, 1, 1) == 0);
  CHECK(DaysFromCivil(2000, 3, 1) == 11017);
  CHECK(DaysFromCivil(1969, 12, 31) == -1);
  CHECK(DaysFromCivil(1600, 2, 29) == -135081);
  CHECK(FormatIsoDate(0) == "1970-01-01");
  CHECK(FormatIsoDate(-719528) == "0000-01-01");
  CHECK(FormatIsoDate(2932896) == "9999-12-31");
  for (int32_t days = -800000; days <= 3000000; days += 997) {
    int y = 0;
    unsigned m = 0, d = 0;
    CivilFromDays(days, &y, &m, &d);
    REQUIRE(DaysFromCivil(y, m, d) == days);
    int32_t parsed = 0;
    if (y >= 0 && y <= 9999) {
      REQUIRE(ParseIsoDate(FormatIsoDate(days), &parsed));
      REQUIRE(parsed == days);
    }
  }
  int32_t days = 0;
  CHECK(ParseIsoDate("2024-02-29", &days));
  CHECK(days == DaysFromCivil(2024, 2, 29));
  CHECK(ParseIsoDate("2000-02-29", &days));
  CHECK_FALSE(ParseIsoDate("1900-02-29", &days));
  CHECK_FALSE(ParseIsoDate("2021-02-29", &days));
  CHECK_FALSE(ParseIsoDate("2020-04-31", &days));
  CHECK_FALSE(ParseIsoDate("2020-13-01", &days));
  CHECK_FALSE(ParseIsoDate("2020-00-10", &days));
  CHECK_FALSE(ParseIsoDate("2020-01-00", &days));
  CHECK_FALSE(ParseIsoDate("2020-1-01", &days));
  CHECK_FALSE(ParseIsoDate("2020/01/01", &days));
  CHECK_FALSE(ParseIsoDate(" 2020-01-01", &days));
  CHECK_FALSE(ParseIsoDate("abcd-ef-gh", &days));
  CHECK_FALSE(ParseIsoDate("", &days));
}

}  // namespace
}  // namespace doorstep::expr
