// Expressions for relevant / required / constraint / calculate: an XLSForm-compatible subset.
//
// Grammar (XPath 1.0 precedence, lowest first):
//   or  <  and  <  = !=  <  < <= > >=  <  + -  <  * div mod  <  unary -  <  primary
//   primary := number | 'string' | "string" | ${name} | . | name(args...) | ( expr )
// Functions: if, selected, count-selected, count, sum, string-length, regex, concat, today, not,
// true, false, number, int, round, string, date, coalesce, contains, starts-with, ends-with,
// substr, min, max, boolean (see docs/expressions.md for their exact semantics).
//
// Values follow XPath/ODK coercion: an empty field is '' as a string and NaN as a number; a date
// is a number of days since 1970-01-01 in numeric context; a select_multiple is the space-separated
// list of its values; a field inside a repeat seen from outside that repeat is a list (use count,
// sum, min, max on it).
//
// Evaluation is pure (today() comes from the context) and bounded: at most kMaxExpressionLength
// bytes of source, kMaxDepth nested sub-expressions, regex subjects and patterns of bounded length.
// Hostile input produces a Status, never a crash or a stack overflow.
//
// Thread rules: an Expression is immutable after Parse and may be evaluated from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "doorstep/core/status.h"

namespace doorstep::expr {

inline constexpr size_t kMaxExpressionLength = 8192;
inline constexpr int kMaxDepth = 64;
inline constexpr size_t kMaxRegexSubject = 1024;
inline constexpr size_t kMaxRegexPattern = 256;

// A runtime value.
class ExprValue {
 public:
  enum class Kind { kEmpty, kBool, kNumber, kString, kDate, kList };

  ExprValue() = default;  // empty
  static ExprValue Bool(bool b);
  static ExprValue Number(double d);
  static ExprValue String(std::string s);
  static ExprValue Date(int32_t days_since_epoch);
  static ExprValue List(std::vector<ExprValue> items);

  Kind kind() const { return kind_; }
  bool is_empty() const { return kind_ == Kind::kEmpty; }

  // XPath coercions.
  bool AsBool() const;          // number: != 0 && !NaN; string: non-empty; list: non-empty
  double AsNumber() const;      // empty or unparsable string: NaN; bool: 0/1; date: days
  std::string AsString() const; // number: shortest form without trailing ".0"; date: YYYY-MM-DD
  const std::vector<ExprValue>& items() const { return list_; }

 private:
  Kind kind_ = Kind::kEmpty;
  bool b_ = false;
  double d_ = 0;
  int32_t date_ = 0;
  std::string s_;
  std::vector<ExprValue> list_;
};

// What an expression can see while it is evaluated. Implemented by the record validator.
class EvalContext {
 public:
  virtual ~EvalContext() = default;
  // The value of ${name} from the current evaluation point: the field itself if it is outside any
  // repeat or in the current instance of its repeat; a List of all instance values if the field
  // sits in a repeat the evaluation point is not inside; for a REPEAT field, a List with one item
  // per instance. Unknown names never reach here (forms are checked at install).
  virtual ExprValue Lookup(std::string_view name) const = 0;
  // The value of "." (the field the expression belongs to).
  virtual ExprValue Self() const = 0;
  // today() as days since 1970-01-01 in local time.
  virtual int32_t TodayDays() const = 0;
};

class Node;  // private AST node

// A parsed, immutable expression.
class Expression {
 public:
  // Parses `text`. On failure: Code::kParse with where = "column N" (1-based byte column) and a
  // message naming the problem ("unknown function 'foo'", "expected ')'", ...). Unknown function
  // names, wrong argument counts and invalid literal regex patterns are parse errors.
  static Result<Expression> Parse(std::string_view text);

  Expression();
  ~Expression();
  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;
  Expression(const Expression&);
  Expression& operator=(const Expression&);

  // Field names referenced with ${name}, in order of first appearance, without duplicates.
  const std::vector<std::string>& references() const { return references_; }
  const std::string& source() const { return source_; }
  bool empty() const { return root_ == nullptr; }

  // Evaluates against `ctx`. Errors (Code::kInvalidArgument, where = "column N") only for inputs a
  // form author cannot rule out statically, e.g. a regex subject longer than kMaxRegexSubject.
  Result<ExprValue> Evaluate(const EvalContext& ctx) const;

 private:
  std::string source_;
  std::vector<std::string> references_;
  std::shared_ptr<const Node> root_;
};

// Calendar helpers shared with value parsing: proleptic Gregorian, days since 1970-01-01.
int32_t DaysFromCivil(int year, unsigned month, unsigned day);
void CivilFromDays(int32_t days, int* year, unsigned* month, unsigned* day);
// Parses "YYYY-MM-DD" strictly (valid month/day); false otherwise.
bool ParseIsoDate(std::string_view text, int32_t* days);
std::string FormatIsoDate(int32_t days);

}  // namespace doorstep::expr
