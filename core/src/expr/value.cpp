// ExprValue: construction and the XPath coercions (boolean(), number(), string()).

#include <cmath>
#include <limits>
#include <utility>

#include "doorstep/core/expression.h"
#include "expr/text.h"

namespace doorstep::expr {

ExprValue ExprValue::Bool(bool b) {
  ExprValue v;
  v.kind_ = Kind::kBool;
  v.b_ = b;
  return v;
}

ExprValue ExprValue::Number(double d) {
  ExprValue v;
  v.kind_ = Kind::kNumber;
  v.d_ = d;
  return v;
}

ExprValue ExprValue::String(std::string s) {
  ExprValue v;
  v.kind_ = Kind::kString;
  v.s_ = std::move(s);
  return v;
}

ExprValue ExprValue::Date(int32_t days_since_epoch) {
  ExprValue v;
  v.kind_ = Kind::kDate;
  v.date_ = days_since_epoch;
  return v;
}

ExprValue ExprValue::List(std::vector<ExprValue> items) {
  ExprValue v;
  v.kind_ = Kind::kList;
  v.list_ = std::move(items);
  return v;
}

bool ExprValue::AsBool() const {
  switch (kind_) {
    case Kind::kEmpty:
      return false;
    case Kind::kBool:
      return b_;
    case Kind::kNumber:
      return d_ != 0 && !std::isnan(d_);
    case Kind::kString:
      return !s_.empty();
    case Kind::kDate:
      return true;  // a date is a value that is present
    case Kind::kList:
      return !list_.empty();
  }
  return false;
}

double ExprValue::AsNumber() const {
  switch (kind_) {
    case Kind::kEmpty:
      return std::numeric_limits<double>::quiet_NaN();
    case Kind::kBool:
      return b_ ? 1 : 0;
    case Kind::kNumber:
      return d_;
    case Kind::kString:
      return detail::ParseNumber(s_);
    case Kind::kDate:
      return date_;
    case Kind::kList:  // XPath: the number of the first node
      return list_.empty() ? std::numeric_limits<double>::quiet_NaN() : list_.front().AsNumber();
  }
  return std::numeric_limits<double>::quiet_NaN();
}

std::string ExprValue::AsString() const {
  switch (kind_) {
    case Kind::kEmpty:
      return std::string();
    case Kind::kBool:
      return b_ ? "true" : "false";
    case Kind::kNumber:
      return detail::FormatNumber(d_);
    case Kind::kString:
      return s_;
    case Kind::kDate:
      return FormatIsoDate(date_);
    case Kind::kList:  // XPath: the string of the first node
      return list_.empty() ? std::string() : list_.front().AsString();
  }
  return std::string();
}

}  // namespace doorstep::expr
