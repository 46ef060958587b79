#include "expr/regex_util.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "doorstep/core/expression.h"

namespace doorstep::expr::detail {

namespace {

// Upper bound of the estimated automaton size (roughly one unit per pattern character, times
// the counts of enclosing {n,m} repetitions). Real-world form patterns stay under ~100.
constexpr int64_t kMaxRegexWeight = 2000;
constexpr int64_t kSaturate = int64_t{1} << 40;

int64_t Mul(int64_t a, int64_t b) {
  return a > kSaturate / std::max<int64_t>(b, 1) ? kSaturate : a * b;
}

// The estimate being summed: one frame per open group; atoms count 1, alternatives and sequences
// add, a quantifier multiplies the preceding atom by its largest count.
class WeightStack {
 public:
  void Atom(int64_t w) {
    stack_.back().seq = std::min(kSaturate, stack_.back().seq + w);
    stack_.back().last = w;
  }
  void Repeat(int64_t count) {
    Frame& f = stack_.back();
    int64_t extra = Mul(f.last, std::max<int64_t>(count, 1) - 1);
    f.seq = std::min(kSaturate, f.seq + extra);
    f.last = Mul(f.last, std::max<int64_t>(count, 1));
  }
  void Open() { stack_.emplace_back(); }
  // Closes the innermost group, which becomes an atom of its enclosing sequence; a ')' without a
  // group is ignored.
  void Close() {
    if (stack_.size() == 1) return;
    Frame f = stack_.back();
    stack_.pop_back();
    Atom(std::min(kSaturate, f.alternatives + f.seq + 1));
  }
  void Alternative() {
    Frame& f = stack_.back();
    f.alternatives = std::min(kSaturate, f.alternatives + f.seq);
    f.seq = 0;
    f.last = 0;
  }
  int64_t Total() const {
    int64_t total = 0;
    for (const Frame& f : stack_) total = std::min(kSaturate, total + f.alternatives + f.seq);
    return total;
  }

 private:
  struct Frame {
    int64_t alternatives = 0;  // finished alternatives
    int64_t seq = 0;           // current sequence
    int64_t last = 0;          // weight of the last atom (what a quantifier repeats)
  };
  std::vector<Frame> stack_ = std::vector<Frame>(1);
};

// The index of the ']' closing the bracket expression that opens at p[i] (p.size() or past it
// when unclosed).
size_t BracketEnd(std::string_view p, size_t i) {
  size_t j = i + 1;
  if (j < p.size() && p[j] == '^') ++j;
  if (j < p.size() && p[j] == ']') ++j;
  while (j < p.size() && p[j] != ']') j += p[j] == '\\' ? 2 : 1;
  return j;
}

// Reads a {n}, {n,} or {n,m} repetition opening at p[i]: its largest count ({n,}: n copies and a
// loop, n + 1) and the index of its '}'. False when the '{' is a literal.
bool ParseBraces(std::string_view p, size_t i, int64_t* count, size_t* close) {
  size_t j = i + 1;
  auto number = [&](int64_t* out) {
    size_t from = j;
    int64_t v = 0;
    for (; j < p.size() && p[j] >= '0' && p[j] <= '9'; ++j) {
      v = std::min(kSaturate, v * 10 + (p[j] - '0'));
    }
    *out = v;
    return j > from;
  };
  int64_t n = 0, m = 0;
  bool valid = number(&n);
  *count = n;
  if (valid && j < p.size() && p[j] == ',') {
    ++j;
    *count = number(&m) ? std::max(n, m) : n + 1;
  }
  if (!valid || j >= p.size() || p[j] != '}') return false;
  *close = j;
  return true;
}

// Estimates the automaton size of `p` (see WeightStack). Not a validator: invalid patterns get
// some estimate and are rejected by std::regex afterwards.
int64_t EstimateWeight(std::string_view p) {
  WeightStack w;
  for (size_t i = 0; i < p.size(); ++i) {
    switch (p[i]) {
      case '\\':
        ++i;
        w.Atom(1);
        break;
      case '[':
        i = BracketEnd(p, i);
        w.Atom(1);
        break;
      case '(':
        w.Open();
        if (i + 2 < p.size() && p[i + 1] == '?') i += 2;  // (?: (?= (?!
        break;
      case ')':
        w.Close();
        break;
      case '|':
        w.Alternative();
        break;
      case '*':
      case '+':
      case '?':
        w.Repeat(2);
        if (i + 1 < p.size() && p[i + 1] == '?') ++i;  // lazy quantifier
        break;
      case '{': {
        int64_t count = 0;
        size_t close = 0;
        if (ParseBraces(p, i, &count, &close)) {
          w.Repeat(count);
          i = close;
        } else {
          w.Atom(1);  // a literal '{'
        }
        break;
      }
      default:
        w.Atom(1);
        break;
    }
  }
  return w.Total();
}

// What std::regex must never be given (found by fuzz_expression): libstdc++ reads the number of
// a back-reference (\123...) or of a {n,m} count into a long without a bound, so a long digit run
// there is undefined behaviour (signed overflow) inside the library, before it can refuse the
// pattern. Back-references are refused anyway (nosubs); counts are bounded by the weight check,
// which saturates; so a digit after '\' (but a lone \0, the NUL escape) and a count of more than
// six digits are refused here, inside brackets too.
const char* UnsafeNumber(std::string_view p) {
  auto digit = [&](size_t k) { return k < p.size() && p[k] >= '0' && p[k] <= '9'; };
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      if (digit(i + 1) && !(p[i + 1] == '0' && !digit(i + 2))) {
        return "back-references are not supported";
      }
      ++i;  // the escaped character
    } else if (p[i] == '{') {
      size_t j = i + 1;
      for (int run = 0; run < 2; ++run) {
        size_t from = j;
        while (digit(j)) ++j;
        if (j - from > 6) return "repetition count too large";
        if (j < p.size() && p[j] == ',') ++j; else break;
      }
    }
  }
  return nullptr;
}

std::string Explain(const std::regex_error& e) {
  namespace rc = std::regex_constants;
  switch (e.code()) {
    case rc::error_collate:
      return "invalid collating element";
    case rc::error_ctype:
      return "invalid character class";
    case rc::error_escape:
      return "invalid escape sequence";
    case rc::error_backref:
      return "invalid back-reference";
    case rc::error_brack:
      return "unmatched '['";
    case rc::error_paren:
      return "unmatched '(' or ')'";
    case rc::error_brace:
      return "unmatched '{'";
    case rc::error_badbrace:
      return "invalid {n,m} repetition";
    case rc::error_range:
      return "invalid character range";
    case rc::error_space:
      return "pattern too complex";
    case rc::error_badrepeat:
      return "'*', '+', '?' or '{' with nothing to repeat";
    case rc::error_complexity:
      return "back-references are not supported";
    case rc::error_stack:
      return "pattern too complex";
    default:
      return "invalid pattern";
  }
}

}  // namespace

std::shared_ptr<const CompiledRegex> CompileRegex(std::string_view pattern, std::string* error) {
  if (pattern.size() > kMaxRegexPattern) {
    *error = "regex pattern longer than " + std::to_string(kMaxRegexPattern) + " bytes";
    return nullptr;
  }
  if (const char* unsafe = UnsafeNumber(pattern)) {
    *error = std::string("invalid regex pattern: ") + unsafe;
    return nullptr;
  }
  if (EstimateWeight(pattern) > kMaxRegexWeight) {
    *error = "regex pattern too complex (repetition counts too large)";
    return nullptr;
  }
  auto flags = std::regex::ECMAScript | std::regex::nosubs;
#ifdef __GLIBCXX__
  flags |= std::regex_constants::__polynomial;
#endif
  try {
    return std::make_shared<const CompiledRegex>(
        CompiledRegex{std::regex(pattern.begin(), pattern.end(), flags)});
  } catch (const std::regex_error& e) {
    *error = "invalid regex pattern: " + Explain(e);
  } catch (const std::bad_alloc&) {
    *error = "regex pattern too complex";
  }
  return nullptr;
}

bool RegexFullMatch(const CompiledRegex& compiled, std::string_view subject, std::string* error) {
  try {
    return std::regex_match(subject.begin(), subject.end(), compiled.re);
  } catch (const std::regex_error& e) {
    *error = "regex evaluation failed: " + Explain(e);
  } catch (const std::bad_alloc&) {
    *error = "regex evaluation ran out of memory";
  }
  return false;
}

}  // namespace doorstep::expr::detail
