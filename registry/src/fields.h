// The registry's fields described once (internal).
//
// One row per field of a registry view (model.h) names the field in each place it travels: the
// record of the form pack (records_read.cpp, records_write.cpp), the JSON Lines export
// (jsonl_read.cpp, jsonl_write.cpp) and the CSV export (export_csv.cpp). The row says the field's
// kind, how an empty value is written in each format, and how to reach it in the struct. Those
// five files walk the rows and name no plain field themselves: adding a field is one row in
// household_fields.cpp, review_fields.cpp or place_fields.cpp.
//
// Rows are in the export's order (the JSON keys, the CSV columns); readers meet the fields, and
// report the first bad one, in that order. The form asks a few questions in another order:
// `form_after` moves such a row among the record's edits (Table::form_order).
//
// Special rows stand for what is not one value: the repeat groups (members, measures, a
// village's needs: each instance is a row set of its own table), the GPS point (one geopoint in the form; three keys of
// a "gps" object or three "gps_" columns in the export, all there or none) and the signatures
// (strokes and a time, captured with Sign; JSON only). Each format handles them where the row
// places them.
//
// Thread rules: constant tables, built on first use.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "doorstep/registry/model.h"

namespace doorstep::registry::fields {

using List = std::vector<std::string>;

enum class Kind : uint8_t {
  kText,     // form: text; JSON: string; CSV: the text
  kChoice,   // form: select_one; JSON: string; CSV: the choice
  kChoices,  // form: select_multiple (sorted, unique); JSON: array of strings; CSV: '|'-joined
  kNames,    // form: one text, the names joined with '、'; JSON: array of strings; CSV: '|'-joined
  kInt,      // form: integer; JSON: integer; CSV: integer
  kDec,      // form: decimal; JSON and CSV: an integer when whole, else 2 decimals
  kYesNo,    // form: select_one yes / no; JSON: true / false; CSV: true / false
  kDay,      // form: date; JSON: "YYYY-MM-DD" (null when unknown); CSV: YYYY-MM-DD
  kSpecial,  // see the file comment
};

// What "empty" means: "" for text, no items for lists, 0 for integers (negative with
// kNegativeUnknown), 0 or less for decimals, false, kNoDay.
enum Flag : uint16_t {
  kRequired = 1 << 0,         // JSON: a missing key is an error; CSV: the header must have it
  kUuid = 1 << 1,             // JSON: must be a lower-case UUID
  kFormSkipZero = 1 << 2,     // form: an empty number is no answer and is not written
  kFormCalculated = 1 << 3,   // form: calculated by the form: read, never written
  kJsonOmitEmpty = 1 << 4,    // JSON: the key is left out when empty
  kJsonNullEmpty = 1 << 5,    // JSON: null when empty
  kCsvBlankEmpty = 1 << 6,    // CSV: an empty cell when empty
  kNegativeUnknown = 1 << 7,  // integer: -1 when not given; negative is empty
  kWhenJsonOnly = 1 << 8,     // `when` limits the JSON export only; the form gets any value
};

enum class Special : uint8_t { kMembers, kMeasures, kGps, kSignatures, kNeeds };

template <typename T, typename V>
using Access = V& (*)(T&);
// A value the export writes but nobody reads (totals).
template <typename T>
using Derived = double (*)(const T&);
// A field whose struct value is not the text itself (an enum): set returns false for a text that
// is none of `expected` (and leaves a default in place).
template <typename T>
struct TextCodec {
  std::string (*get)(const T&);
  bool (*set)(T&, const std::string&);
  const char* expected;
};
// A list built from (and spread over) more than one struct member.
template <typename T>
struct ListCodec {
  List (*get)(const T&);
  void (*set)(T&, List);
};

template <typename T>
using Ref =
    std::variant<Special, Access<T, std::string>, Access<T, List>, Access<T, int>,
                 Access<T, double>, Access<T, bool>, Derived<T>, TextCodec<T>, ListCodec<T>>;

template <typename T>
struct Field {
  const char* form;  // field name in the form (inside its repeat); nullptr: not in the form
  const char* json;  // key in the JSON export, '.' into nested objects; nullptr: not there
  const char* csv;   // CSV column; nullptr: not in the CSV
  Kind kind;
  Ref<T> ref;
  uint16_t flags = 0;
  // The question is asked only when this holds: otherwise the field is not written (form and
  // JSON; CSV rows have every column).
  bool (*when)(const T&) = nullptr;
  const char* form_after = nullptr;  // the form asks it right after this field
};

// &Reach<Household, &Household::income, &Income::wage> reaches h.income.wage.
template <typename T, auto... M>
constexpr auto& Reach(T& x) {
  // clang-format off
  return (x .* ... .* M);  // x.*M1.*M2...
  // clang-format on
}

static_assert(std::is_same_v<int32_t, int>, "days (int32_t) share the int accessors");

template <typename T>
struct Table {
  std::span<const Field<T>> rows;           // the export's order
  std::vector<const Field<T>*> form_order;  // rows with a form name, in the form's order
};

const Table<Household>& HouseholdTable();
const Table<Member>& MemberTable();
const Table<AssistanceMeasure>& MeasureTable();
const Table<VillageRegister>& VillageTable();
const Table<VillageNeed>& NeedTable();
const Table<MisidentificationReview>& MisidentificationTable();
const Table<Review>& ReviewTable();
const Table<ExitVerification>& ExitVerificationTable();
const Table<AssistanceVisit>& VisitTable();

// ---- Reaching a row's value.

template <typename V, typename T>
V& Get(const Field<T>& f, T& x) {
  return std::get<Access<T, V>>(f.ref)(x);
}
template <typename V, typename T>
const V& Get(const Field<T>& f, const T& x) {
  return std::get<Access<T, V>>(f.ref)(const_cast<T&>(x));  // the accessor only reaches
}

template <typename T>
bool IsSpecial(const Field<T>& f) {
  return f.kind == Kind::kSpecial;
}
template <typename T>
Special SpecialOf(const Field<T>& f) {
  return std::get<Special>(f.ref);
}
template <typename T>
bool IsDerived(const Field<T>& f) {
  return std::holds_alternative<Derived<T>>(f.ref);
}

template <typename T>
std::string TextOf(const Field<T>& f, const T& x) {
  if (const auto* c = std::get_if<TextCodec<T>>(&f.ref)) return c->get(x);
  return Get<std::string>(f, x);
}
// False when a coded field gets a text it does not know; CodecExpected says what it wants.
template <typename T>
bool SetText(const Field<T>& f, T& x, std::string text) {
  if (const auto* c = std::get_if<TextCodec<T>>(&f.ref)) return c->set(x, text);
  Get<std::string>(f, x) = std::move(text);
  return true;
}
template <typename T>
std::string CodecExpected(const Field<T>& f) {
  return std::get<TextCodec<T>>(f.ref).expected;
}

template <typename T>
List ListOf(const Field<T>& f, const T& x) {
  if (const auto* c = std::get_if<ListCodec<T>>(&f.ref)) return c->get(x);
  return Get<List>(f, x);
}
template <typename T>
void SetList(const Field<T>& f, T& x, List items) {
  if (const auto* c = std::get_if<ListCodec<T>>(&f.ref)) {
    c->set(x, std::move(items));
  } else {
    Get<List>(f, x) = std::move(items);
  }
}

template <typename T>
double DecOf(const Field<T>& f, const T& x) {
  if (const auto* d = std::get_if<Derived<T>>(&f.ref)) return (*d)(x);
  return Get<double>(f, x);
}

template <typename T>
bool IsEmpty(const Field<T>& f, const T& x) {
  switch (f.kind) {
    case Kind::kText:
    case Kind::kChoice:
      return TextOf(f, x).empty();
    case Kind::kChoices:
    case Kind::kNames:
      return ListOf(f, x).empty();
    case Kind::kInt:
      return (f.flags & kNegativeUnknown) ? Get<int>(f, x) < 0 : Get<int>(f, x) == 0;
    case Kind::kDec:
      return DecOf(f, x) <= 0;
    case Kind::kYesNo:
      return !Get<bool>(f, x);
    case Kind::kDay:
      return Get<int>(f, x) == kNoDay;
    case Kind::kSpecial:
      break;
  }
  return false;
}

// ---- Reading one value.

// Reads a plain row's value from `in`, a format's view of one record that answers by name:
// Text, List (choices), Names, Int, Dec, YesNo and Day give the value (the kind's default when
// there is none), Has says whether there is one. False when a coded text is none of its values
// (the field keeps its default).
template <typename T, typename In>
bool ReadValue(const Field<T>& f, T& x, const In& in, const std::string& name) {
  switch (f.kind) {
    case Kind::kText:
    case Kind::kChoice:
      return SetText(f, x, in.Text(name));
    case Kind::kChoices:
      SetList(f, x, in.List(name));
      break;
    case Kind::kNames:
      SetList(f, x, in.Names(name));
      break;
    case Kind::kInt:
      Get<int>(f, x) = (f.flags & kNegativeUnknown) && !in.Has(name) ? -1 : in.Int(name);
      break;
    case Kind::kDec:
      Get<double>(f, x) = in.Dec(name);
      break;
    case Kind::kYesNo:
      Get<bool>(f, x) = in.YesNo(name);
      break;
    case Kind::kDay:
      Get<int>(f, x) = in.Day(name);
      break;
    case Kind::kSpecial:
      break;
  }
  return true;
}

// ---- Building and checking a table.

// The form's order: each row where the table has it, except that a row with `form_after` follows
// the row it names.
template <typename T>
Table<T> MakeTable(std::span<const Field<T>> rows) {
  Table<T> table{rows, {}};
  auto place = [&](auto& self, const Field<T>& f) -> void {
    table.form_order.push_back(&f);
    for (const Field<T>& next : rows) {
      if (next.form_after && std::string_view(next.form_after) == f.form) self(self, next);
    }
  };
  for (const Field<T>& f : rows) {
    if (f.form && !f.form_after) place(place, f);
  }
  return table;
}

// The table of a row array, built on first use: `return Cached<kRows>();`.
template <const auto& kRows>
const auto& Cached() {
  using Row = std::remove_cvref_t<decltype(kRows[0])>;
  static const auto table = MakeTable(std::span<const Row>(kRows));
  return table;
}

// Compile-time check of a table: each row's kind fits its reference, derived values are only
// written, and every `form_after` names a form field of the table.
template <typename T>
constexpr bool Fits(const Field<T>& f) {
  const Ref<T>& r = f.ref;
  switch (f.kind) {
    case Kind::kText:
    case Kind::kChoice:
      return std::holds_alternative<Access<T, std::string>>(r) ||
             std::holds_alternative<TextCodec<T>>(r);
    case Kind::kChoices:
    case Kind::kNames:
      return std::holds_alternative<Access<T, List>>(r) || std::holds_alternative<ListCodec<T>>(r);
    case Kind::kInt:
    case Kind::kDay:
      return std::holds_alternative<Access<T, int>>(r);
    case Kind::kDec:
      return std::holds_alternative<Access<T, double>>(r) ||
             (std::holds_alternative<Derived<T>>(r) && !f.form && !f.csv);
    case Kind::kYesNo:
      return std::holds_alternative<Access<T, bool>>(r);
    case Kind::kSpecial:
      return std::holds_alternative<Special>(r);
  }
  return false;
}

template <typename T, size_t N>
constexpr bool Valid(const Field<T> (&rows)[N]) {
  for (const Field<T>& f : rows) {
    if (!Fits(f) || (f.form_after && !f.form)) return false;
    bool found = !f.form_after;
    for (const Field<T>& g : rows) {
      if (f.form_after && g.form && std::string_view(g.form) == f.form_after) found = true;
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace doorstep::registry::fields
