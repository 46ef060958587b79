// The expression language: literals, coercions, operators and precedence, comparisons and
// lists, parse errors with their columns, resource bounds, references, copies and threads.
// Functions and dates are in expression_functions_test.cpp.
#include "doorstep/core/expression.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "expression_test_util.h"
#include "hang_guard.h"

namespace doorstep::expr {
namespace {

using testing::D;
using testing::Eval;
using testing::EvalFailure;
using testing::L;
using testing::N;
using testing::Num;
using testing::ParseFailure;
using testing::S;
using testing::Str;
using testing::TestContext;
using testing::Truth;

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST_CASE("ExprValue coercions follow XPath", "[core][expr]") {
  ExprValue empty;
  CHECK(empty.is_empty());
  CHECK_FALSE(empty.AsBool());
  CHECK(std::isnan(empty.AsNumber()));
  CHECK(empty.AsString().empty());

  CHECK(ExprValue::Bool(true).AsNumber() == 1);
  CHECK(ExprValue::Bool(false).AsString() == "false");
  CHECK_FALSE(N(0).AsBool());
  CHECK_FALSE(N(std::nan("")).AsBool());
  CHECK(N(-0.5).AsBool());
  CHECK(S("false").AsBool());  // a non-empty string is true
  CHECK_FALSE(S("").AsBool());
  CHECK(S(" 12.5 ").AsNumber() == 12.5);
  CHECK(S("-3").AsNumber() == -3);
  CHECK(S("1e3").AsNumber() == 1000);
  CHECK(std::isnan(S("12abc").AsNumber()));
  CHECK(std::isnan(S("").AsNumber()));
  CHECK(std::isnan(S("0x10").AsNumber()));
  CHECK(std::isnan(S("nan").AsNumber()));
  CHECK(std::isnan(S("1e").AsNumber()));
  CHECK(std::isnan(S(".").AsNumber()));
  CHECK(S("+2.").AsNumber() == 2);
  CHECK(S("1e400").AsNumber() == INFINITY);
  CHECK(S("-1e400").AsNumber() == -INFINITY);
  CHECK(S("1e-400").AsNumber() == 0);
  CHECK(S("0." + std::string(400, '0') + "1").AsNumber() == 0);
  CHECK(S("1" + std::string(400, '0')).AsNumber() == INFINITY);
  CHECK(S("Infinity").AsNumber() == INFINITY);
  CHECK(D(1970, 1, 2).AsNumber() == 1);
  CHECK(D(2020, 2, 29).AsString() == "2020-02-29");
  CHECK(D(1970, 1, 1).AsBool());
  CHECK(L({}).AsBool() == false);
  CHECK(L({S("7"), S("8")}).AsNumber() == 7);  // the first item, as XPath does
  CHECK(L({S("a"), S("b")}).AsString() == "a");
  CHECK(L({S("a"), S("b")}).items().size() == 2);
}

TEST_CASE("numbers print without trailing .0 and round-trip", "[core][expr]") {
  CHECK(N(3).AsString() == "3");
  CHECK(N(-2).AsString() == "-2");
  CHECK(N(-0.0).AsString() == "0");
  CHECK(N(2.5).AsString() == "2.5");
  CHECK(N(0.1).AsString() == "0.1");
  CHECK(N(1e20).AsString() == "100000000000000000000");
  CHECK(N(1e21).AsString() == "1e+21");
  CHECK(N(1e-8).AsString() == "1e-08");
  CHECK(N(std::nan("")).AsString() == "NaN");
  CHECK(Str("0.1 + 0.2") == "0.30000000000000004");
  CHECK(Str("1 div 3") == "0.3333333333333333");
  CHECK(Str("1 div 0") == "Infinity");
  CHECK(Str("-1 div 0") == "-Infinity");
  CHECK(Str("0 div 0") == "NaN");
  CHECK(Str("5 mod 0") == "NaN");
  CHECK(Num("number(string(1 div 0))") == INFINITY);
}

TEST_CASE("literals", "[core][expr]") {
  CHECK(Num("42") == 42);
  CHECK(Num("3.25") == 3.25);
  CHECK(Num(".5") == 0.5);
  CHECK(Num("5.") == 5);
  CHECK(Str("'single'") == "single");
  CHECK(Str("\"double 'quoted'\"") == "double 'quoted'");
  CHECK(Str("''") == "");
  CHECK(Str("'张三'") == "张三");
  CHECK(Eval("'x'").kind() == ExprValue::Kind::kString);
  CHECK(Eval("1").kind() == ExprValue::Kind::kNumber);
  TestContext ctx;
  ctx.self = S("me");
  CHECK(Str(".", ctx) == "me");
  CHECK(Truth(". = 'me'", ctx));
}

TEST_CASE("arithmetic operators and precedence", "[core][expr]") {
  CHECK(Num("1 + 2 * 3") == 7);
  CHECK(Num("(1 + 2) * 3") == 9);
  CHECK(Num("2 - 1 - 1") == 0);
  CHECK(Num("12 div 2 div 3") == 2);
  CHECK(Num("2 * 3 div 4") == 1.5);
  CHECK(Num("7 mod 3") == 1);
  CHECK(Num("-7 mod 3") == -1);  // fmod keeps the sign of the dividend
  CHECK(Num("5.5 mod 2") == 1.5);
  CHECK(Num("1 + 7 mod 4 * 2") == 7);
  CHECK(Num("-2 * 3") == -6);
  CHECK(Num("2 * -3") == -6);
  CHECK(Num("- - 3") == 3);
  CHECK(Num("-(1 + 2)") == -3);
  CHECK(Num("10 - -2") == 12);
  CHECK(Num("3-1") == 2);
  CHECK(Num("'3' + '4'") == 7);        // arithmetic converts strings
  CHECK(Num("true() + true()") == 2);  // and booleans
  CHECK(std::isnan(Num("'abc' + 1")));
  CHECK(std::isnan(Num("-'abc'")));
  TestContext ctx;
  ctx.Set("a", N(10)).Set("b", N(4));
  CHECK(Num("${a}-${b}", ctx) == 6);
  CHECK(Num("${a} div-2", ctx) == -5);  // 'div' followed by '-2', not a name "div-2"
  CHECK(Num("${a} mod ${b}", ctx) == 2);
  CHECK(std::isnan(Num("${missing} + 1", ctx)));
}

TEST_CASE("logical operators, precedence and short circuit", "[core][expr]") {
  CHECK(Truth("not(1 = 2) and 3 > 2"));
  CHECK(Truth("1 = 1 or 1 = 2 and 1 = 2"));  // and binds tighter than or
  CHECK_FALSE(Truth("(1 = 1 or 1 = 2) and 1 = 2"));
  CHECK(Truth("1 + 2 = 3"));        // arithmetic binds tighter than comparison
  CHECK(Truth("2 > 1 = 3 > 2"));    // relational binds tighter than equality
  CHECK(Truth("1 < 2 < 3"));        // (1 < 2) < 3: true is 1
  CHECK_FALSE(Truth("3 > 2 > 1"));  // (3 > 2) > 1: 1 > 1
  CHECK(Truth("true() and true() and true()"));
  CHECK_FALSE(Truth("true() and false() and true()"));
  CHECK(Truth("false() or false() or true()"));
  CHECK(Eval("1 and 1").kind() == ExprValue::Kind::kBool);
  CHECK_FALSE(Truth("'' or 0"));
  // The right side is not evaluated when the left decides: no regex error here.
  TestContext ctx;
  ctx.Set("long", S(std::string(5000, 'a')));
  CHECK_FALSE(Truth("false() and regex(${long}, 'a*')", ctx));
  CHECK(Truth("true() or regex(${long}, 'a*')", ctx));
  CHECK(Num("if(true(), 1, regex(${long}, 'a*'))", ctx) == 1);
}

TEST_CASE("comparisons: numbers, strings, booleans, empty", "[core][expr]") {
  CHECK(Truth("1 = 1"));
  CHECK(Truth("1 != 2"));
  CHECK(Truth("1 < 2"));
  CHECK(Truth("2 <= 2"));
  CHECK(Truth("3 > 2"));
  CHECK(Truth("2 >= 2"));
  CHECK_FALSE(Truth("2 < 2"));
  CHECK(Truth("1 = '1.0'"));          // a number on either side: numeric
  CHECK_FALSE(Truth("'1' = '1.0'"));  // two strings: string equality
  CHECK(Truth("'abc' = 'abc'"));
  CHECK(Truth("'abc' < 'abd'"));
  CHECK(Truth("'9' < '10'"));  // two numeric strings: compared as numbers
  CHECK(Truth("'b' > 'a'"));
  CHECK(Truth("true() = 2"));  // XPath: booleans compare as booleans
  CHECK(Truth("false() = ''"));
  CHECK(Truth("true() > 0"));  // relational: numbers (true is 1)

  TestContext ctx;  // ${x} is empty
  CHECK(Truth("${x} = ''", ctx));
  CHECK_FALSE(Truth("${x} != ''", ctx));
  CHECK_FALSE(Truth("${x} = 0", ctx));  // NaN
  CHECK(Truth("${x} != 0", ctx));       // NaN != anything
  CHECK_FALSE(Truth("${x} < 1", ctx));
  CHECK_FALSE(Truth("${x} >= 1", ctx));
  CHECK_FALSE(Truth("0 div 0 = 0 div 0", ctx));
  CHECK(Truth("0 div 0 != 0 div 0", ctx));
  CHECK(Truth("${x} = false()", ctx));
  ctx.Set("n", N(18)).Set("s", S("18"));
  CHECK(Truth("${n} = ${s}", ctx));
  CHECK(Truth("${s} >= 18", ctx));
  CHECK(Truth("${s} = '18'", ctx));
}

TEST_CASE("comparisons with lists are existential", "[core][expr]") {
  TestContext ctx;
  ctx.Set("names", L({S("ann"), S("bob")}))
      .Set("ages", L({N(3), N(40), N(70)}))
      .Set("none", L({}))
      .Set("other", L({S("zed"), S("bob")}));
  CHECK(Truth("${names} = 'bob'", ctx));
  CHECK_FALSE(Truth("${names} = 'cid'", ctx));
  CHECK(Truth("'bob' = ${names}", ctx));
  CHECK(Truth("${names} != 'ann'", ctx));  // some item differs
  CHECK(Truth("${ages} > 65", ctx));
  CHECK(Truth("${ages} < 5", ctx));
  CHECK_FALSE(Truth("${ages} > 70", ctx));
  CHECK(Truth("${names} = ${other}", ctx));  // a common item
  CHECK_FALSE(Truth("${none} = 'x'", ctx));
  CHECK_FALSE(Truth("${none} != 'x'", ctx));
  CHECK(Truth("${names} = true()", ctx));  // boolean(list) = non-empty
  CHECK(Truth("${none} = false()", ctx));
}

TEST_CASE("parse errors name the problem and its column", "[core][expr]") {
  struct Case {
    const char* text;
    int column;
    const char* message;
  };
  const Case cases[] = {
      {"1 +", 4, "expected a value after '+' but the expression ended"},
      {"(1 + 2", 7, "expected ')' to close '(' at column 1"},
      {"2 * (1 + 2", 11, "expected ')' to close '(' at column 5"},
      {"foo(1)", 1, "unknown function 'foo'"},
      {"1 + Count(${a})", 5, "unknown function 'Count'; function names are lower case: 'count'"},
      {"if(1, 2)", 1, "function 'if' takes 3 arguments, got 2"},
      {"1 + today(1)", 5, "function 'today' takes no arguments, got 1"},
      {"round()", 1, "function 'round' takes 1 or 2 arguments, got 0"},
      {"min()", 1, "function 'min' takes at least 1 argument, got 0"},
      {"substr('a')", 1, "function 'substr' takes 2 or 3 arguments, got 1"},
      {"'abc", 1, "unterminated string literal"},
      {"1 = \"abc", 5, "unterminated string literal"},
      {"1 # 2", 3, "unexpected character '#'"},
      {"1 / 2", 3, "unexpected character '/'; use 'div' to divide"},
      {"${a} && ${b}", 6, "unexpected character '&'; use 'and'"},
      {"${a} ! ${b}", 6, "unexpected character '!'"},
      {"1 == 1", 3, "'==' is not an operator; use '='"},
      {"age > 3", 1, "unexpected name 'age'; to reference a field write ${age}"},
      {"${a} = yes", 8, "to reference a field write ${yes}, for text write 'yes'"},
      {"${age} > 3 AND 1", 12, "unknown operator 'AND'; operators are lower case: 'and'"},
      {"and 1", 1, "expected a value before 'and'"},
      {"1 + * 2", 5, "expected a value before '*'"},
      {"today", 1, "'today' is a function; write today()"},
      {"$age", 1, "expected '{' after '$'; write ${name}"},
      {"${1a}", 3, "expected a field name after '${'"},
      {"${age", 6, "expected '}' to close '${' at column 1"},
      {"${my-age}", 5, "expected '}' to close '${' at column 1"},
      {"1 2", 3, "unexpected '2' after a complete expression"},
      {"'a' 'b'", 5, "unexpected 'b' after a complete expression"},
      {"'张三' + bar", 12, "unexpected name 'bar'"},  // byte columns: 张 and 三 are 3 bytes
      {"${a} ${b}", 6, "unexpected '${b}' after a complete expression"},
      {"${a} plus 1", 6, "unexpected 'plus' after a complete expression"},
      {"1)", 2, "unmatched ')'"},
      {"1, 2", 2, "unexpected ',' outside a function call"},
      {"concat(1 2)", 10, "expected ',' or ')' to close 'concat(' at column 7"},
      {"concat(1,)", 10, "expected a value before ')'"},
      {"()", 2, "expected a value before ')'"},
      {"", 1, "empty expression"},
      {"   ", 4, "empty expression"},
      {"（1)", 1, "unexpected character '（' (full-width); use the ASCII '('"},
      {"'a' = “b”", 7, "unexpected character '“' (typographic quote)"},
      {"1 +\x01", 4, "unexpected control character 0x01"},
      {"1 + \xFF", 5, "unexpected byte 0xFF"},
      {"regex(${a}, '[a-')", 13, "invalid regex pattern"},
      {"regex(${a}, '(a')", 13, "invalid regex pattern: unmatched '(' or ')'"},
      // Numbers libstdc++ would read into a long unchecked (found by fuzz_expression: signed
      // overflow inside std::regex), in a back-reference or a count, also unclosed or bracketed.
      {"regex(${a}, 'a\\6666666686666666666')", 13, "back-references are not supported"},
      {"regex(${a}, '(a)\\1')", 13, "back-references are not supported"},
      {"regex(${a}, '[\\12]')", 13, "back-references are not supported"},
      {"regex(${a}, 'a{66666666666666666666}')", 13, "repetition count too large"},
      {"regex(${a}, 'a{1,6666666666666}')", 13, "repetition count too large"},
      {"regex(${a}, 'a{6666666666666')", 13, "repetition count too large"},
  };
  for (const Case& c : cases) {
    INFO("expression: " << c.text);
    Status s = ParseFailure(c.text);
    CHECK(s.code() == Code::kParse);
    CHECK(s.where() == "column " + std::to_string(c.column));
    CHECK_THAT(s.message(), Catch::Matchers::Contains(c.message));
  }
}

TEST_CASE("length bound", "[core][expr]") {
  std::string ok = "1" + std::string(kMaxExpressionLength - 1, ' ');
  CHECK(Expression::Parse(ok).ok());
  Status s = ParseFailure(ok + " ");
  CHECK(s.code() == Code::kResourceExhausted);
  CHECK(s.where() == "column 8193");
  CHECK_THAT(s.message(), Catch::Matchers::Contains("longer than 8192 bytes"));
  // Huge hostile inputs stop at the length check.
  CHECK(ParseFailure(std::string(100000, '(')).code() == Code::kResourceExhausted);
  CHECK(ParseFailure(std::string(100000, '-') + "1").code() == Code::kResourceExhausted);
}

TEST_CASE("depth bound: errors, never a stack overflow", "[core][expr]") {
  // kMaxDepth levels of nesting parse (the whole expression is the first level) ...
  int levels = kMaxDepth - 1;
  std::string deepest_ok = std::string(levels, '(') + "1" + std::string(levels, ')');
  CHECK(Num(deepest_ok) == 1);
  CHECK(Num(std::string(levels, '-') + "1") == -1);  // 63 minus signs
  // ... one more does not.
  Status s = ParseFailure("(" + deepest_ok + ")");
  CHECK(s.code() == Code::kResourceExhausted);
  CHECK_THAT(s.message(), Catch::Matchers::Contains("nested too deeply"));
  CHECK(s.where() == "column 65");

  for (const std::string& text : {
           std::string(8000, '('),
           std::string(4000, '(') + "1" + std::string(4000, ')'),
           std::string(8000, '-') + "1",
           Repeat("- ", 4000) + "${a}",
           Repeat("not(", 1500) + "true()" + std::string(1500, ')'),
           Repeat("concat(", 1000) + "'x'" + std::string(1000, ')'),
           Repeat("if(1, 2, ", 800) + "3" + std::string(800, ')'),
       }) {
    INFO("expression starts: " << text.substr(0, 20));
    CHECK(ParseFailure(text).code() == Code::kResourceExhausted);
  }
  // A deep tree with few parentheses: each level is a '*' chain inside a '+' chain.
  std::string tree = "1";
  for (int i = 0; i < 40; ++i) tree = "(" + tree + " + 1) * 2";
  Status t = ParseFailure(tree);
  CHECK(t.code() == Code::kResourceExhausted);
  CHECK_THAT(t.message(), Catch::Matchers::Contains("nested too deeply"));
  // Long flat chains are fine: a sum of 1000 fields is one level.
  TestContext ctx;
  ctx.Set("a", N(1));
  CHECK(Num("${a}" + Repeat(" + ${a}", 999), ctx) == 1000);
  CHECK(Truth("true()" + Repeat(" and true()", 700)));
}

TEST_CASE("regex bounds", "[core][expr]") {
  // Literal patterns are checked at parse time.
  Status too_long = ParseFailure("regex(${a}, '" + std::string(kMaxRegexPattern + 1, 'a') + "')");
  CHECK(too_long.code() == Code::kParse);
  CHECK(too_long.where() == "column 13");
  CHECK_THAT(too_long.message(), Catch::Matchers::Contains("longer than 256 bytes"));
  CHECK(Expression::Parse("regex(${a}, '" + std::string(kMaxRegexPattern, 'a') + "')").ok());
  Status complex = ParseFailure("regex(${a}, '((a{100}){100}){100}')");
  CHECK_THAT(complex.message(), Catch::Matchers::Contains("too complex"));
#ifdef __GLIBCXX__
  CHECK_THAT(ParseFailure("regex(${a}, '(a)\\1')").message(),
             Catch::Matchers::Contains("back-references are not supported"));
#endif

  TestContext ctx;
  ctx.Set("ok", S(std::string(kMaxRegexSubject, 'a')))
      .Set("long", S(std::string(kMaxRegexSubject + 1, 'a')))
      .Set("bad", S("[a-"))
      .Set("huge", S(std::string(kMaxRegexPattern + 1, 'a')))
      .Set("good", S("a+"));
  CHECK(Truth("regex(${ok}, 'a+')", ctx));
  Status subject = EvalFailure("1 + regex(${long}, 'a+')", ctx);
  CHECK(subject.code() == Code::kInvalidArgument);
  CHECK(subject.where() == "column 5");
  CHECK_THAT(subject.message(), Catch::Matchers::Contains("longer than 1024 bytes"));
  // Dynamic patterns are checked at evaluation; the error points at the pattern.
  CHECK(Truth("regex(${ok}, ${good})", ctx));
  Status bad = EvalFailure("regex('x', ${bad})", ctx);
  CHECK(bad.code() == Code::kInvalidArgument);
  CHECK(bad.where() == "column 12");
  CHECK_THAT(bad.message(), Catch::Matchers::Contains("invalid regex pattern"));
  CHECK(EvalFailure("regex('x', ${huge})", ctx).code() == Code::kInvalidArgument);
  CHECK(EvalFailure("regex('x', concat('(', 'a'))", ctx).code() == Code::kInvalidArgument);

  // Catastrophic-backtracking patterns complete with the right answer on the longest allowed
  // subject, failing and matching alike. A backtracking engine would need some 2^1024 steps for
  // these, i.e. never return: guard against a hang, not a speed check: 60 s.
  ::doorstep::testing::HangGuard guard("regex() on catastrophic-backtracking patterns",
                                       std::chrono::seconds(60));
  CHECK_FALSE(Truth("regex(${ok}, '(a*)*b')", ctx));
  CHECK_FALSE(Truth("regex(${ok}, '(a|aa)*c')", ctx));
  CHECK_FALSE(Truth("regex(${ok}, '(.*a){20}b')", ctx));
  CHECK(Truth("regex(${ok}, '(a*)*')", ctx));
  CHECK(Truth("regex(${ok}, '(a|aa)*')", ctx));
  CHECK(Truth("regex(${ok}, '(.*a){20}')", ctx));
}

TEST_CASE("references: first appearance order, no duplicates", "[core][expr]") {
  auto e = Expression::Parse("${b} + ${a} * ${b} + count(${c}) + string-length('${d}')");
  REQUIRE(e.ok());
  CHECK(e->references() == std::vector<std::string>{"b", "a", "c"});
  CHECK(e->source() == "${b} + ${a} * ${b} + count(${c}) + string-length('${d}')");
  auto none = Expression::Parse("1 + 2");
  REQUIRE(none.ok());
  CHECK(none->references().empty());
}

TEST_CASE("expressions copy cheaply and evaluate from several threads", "[core][expr]") {
  Expression empty;
  CHECK(empty.empty());
  CHECK(empty.references().empty());
  TestContext ctx;
  auto v = empty.Evaluate(ctx);
  REQUIRE(v.ok());
  CHECK(v->is_empty());

  auto parsed = Expression::Parse("if(regex(${id}, '[0-9]{17}[0-9X]'), concat(${n}, '!'), 'bad')");
  REQUIRE(parsed.ok());
  Expression copy = *parsed;  // shares the tree
  Expression moved = std::move(*parsed);
  CHECK_FALSE(copy.empty());
  CHECK(copy.references() == moved.references());
  empty = copy;
  CHECK(empty.source() == moved.source());

  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      TestContext local;
      local.Set("id", S(t % 2 == 0 ? "11010519491231002X" : "123")).Set("n", N(t));
      std::string want = t % 2 == 0 ? std::to_string(t) + "!" : "bad";
      for (int i = 0; i < 500; ++i) {
        auto r = copy.Evaluate(local);
        if (!r.ok() || r->AsString() != want) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == std::vector<int>(4, 0));
}

}  // namespace
}  // namespace doorstep::expr
