// The change list of an edit: the question lists before and after, compared by path.
#include <string_view>
#include <unordered_map>

#include "record/values.h"
#include "session/session_impl.h"

namespace doorstep {

const char* ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kInserted: return "inserted";
    case ChangeKind::kRemoved: return "removed";
    case ChangeKind::kAppeared: return "appeared";
    case ChangeKind::kDisappeared: return "disappeared";
    case ChangeKind::kValue: return "value";
    case ChangeKind::kErrorAppeared: return "error_appeared";
    case ChangeKind::kErrorCleared: return "error_cleared";
    case ChangeKind::kRequired: return "required";
    case ChangeKind::kSignatureStale: return "signature_stale";
    case ChangeKind::kSignature: return "signature";
    case ChangeKind::kLabel: return "label";
    case ChangeKind::kReadOnly: return "read_only";
  }
  return "unknown";
}

namespace session {
namespace {

bool SameValue(const std::optional<v1::Value>& a, const std::optional<v1::Value>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || record::SameValue(*a, *b);
}

// The changes of one question present in both lists, in a fixed order of kinds.
void Compare(const Question& a, const Question& b, std::vector<QuestionChange>* out) {
  auto add = [&](ChangeKind k) { out->push_back({b.path, k}); };
  if (a.relevant != b.relevant) add(b.relevant ? ChangeKind::kAppeared : ChangeKind::kDisappeared);
  if (!SameValue(a.value, b.value) || a.instance_count != b.instance_count) {
    add(ChangeKind::kValue);
  }
  if (a.error_code != b.error_code || a.error_message != b.error_message) {
    add(b.error_code.empty() ? ChangeKind::kErrorCleared : ChangeKind::kErrorAppeared);
  }
  if (a.required != b.required) add(ChangeKind::kRequired);
  if (a.signature_state != b.signature_state || a.signer_name != b.signer_name ||
      a.proxy_signer_name != b.proxy_signer_name) {
    bool stale = a.signature_state == SignatureState::kValid &&
                 b.signature_state == SignatureState::kStale;
    add(stale ? ChangeKind::kSignatureStale : ChangeKind::kSignature);
  }
  if (a.label != b.label || a.hint != b.hint) add(ChangeKind::kLabel);
  if (a.read_only != b.read_only) add(ChangeKind::kReadOnly);
}

}  // namespace

std::vector<QuestionChange> DiffQuestions(const std::vector<Question>& before,
                                          const std::vector<Question>& after) {
  std::unordered_map<std::string_view, const Question*> old_by_path;
  old_by_path.reserve(before.size());
  for (const auto& q : before) old_by_path.emplace(q.path, &q);
  std::unordered_map<std::string_view, bool> kept;
  kept.reserve(after.size());
  for (const auto& q : after) kept.emplace(q.path, true);

  std::vector<QuestionChange> out;
  for (const auto& q : before) {
    if (!kept.count(q.path)) out.push_back({q.path, ChangeKind::kRemoved});
  }
  for (const auto& q : after) {
    auto it = old_by_path.find(q.path);
    if (it == old_by_path.end()) {
      out.push_back({q.path, ChangeKind::kInserted});
    } else {
      Compare(*it->second, q, &out);
    }
  }
  return out;
}

}  // namespace session
}  // namespace doorstep
