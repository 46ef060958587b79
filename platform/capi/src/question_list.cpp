// The C ABI's question lists (a session's snapshot, ds_session_questions) and change lists (what
// an edit changed): their accessors. Every getter returns an empty value for a NULL list or an
// index out of range; returned strings live as long as the list.
#include <string>

#include "internal.h"

namespace doorstep::capi {
namespace {

// Resolves 1-based ordinals ("members[2]/m_name") against a snapshot: each "name[N]" segment
// becomes the canonical path of the kInstance row with that ordinal under the prefix so far.
std::string CanonicalInSnapshot(const ds_question_list& list, const std::string& path) {
  std::string prefix;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string segment = path.substr(start, slash == std::string::npos ? std::string::npos
                                                                       : slash - start);
    size_t open = segment.find('[');
    if (open != std::string::npos && segment.size() > open + 2 && segment.back() == ']') {
      std::string number = segment.substr(open + 1, segment.size() - open - 2);
      bool digits = number.size() <= 9 &&
                    number.find_first_not_of("0123456789") == std::string::npos;
      if (digits) {
        const int64_t ordinal = std::stoll(number);
        const std::string head = prefix + segment.substr(0, open + 1);
        for (const auto& row : list.rows) {
          if (row.q.kind == QuestionKind::kInstance && row.q.instance_count == ordinal &&
              row.q.path.compare(0, head.size(), head) == 0 &&
              row.q.path.find('/', head.size()) == std::string::npos) {
            segment = row.q.path.substr(prefix.size());
            break;
          }
        }
      }
    }
    prefix += segment;
    if (slash == std::string::npos) break;
    prefix += '/';
    start = slash + 1;
  }
  return prefix;
}

const ds_question_list::Row* QRow(const ds_question_list* list, size_t i) { return Row(list, i); }

}  // namespace
}  // namespace doorstep::capi

using namespace doorstep;
using namespace doorstep::capi;

extern "C" {

void ds_question_list_free(ds_question_list* list) { delete list; }

size_t ds_question_list_count(const ds_question_list* list) {
  return list == nullptr ? 0 : list->rows.size();
}

int64_t ds_question_list_find(const ds_question_list* list, const char* path) {
  return Guard<int64_t>("ds_question_list_find", -1, [&]() -> int64_t {
    if (list == nullptr || path == nullptr) return -1;
    std::string wanted = path;
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t i = 0; i < list->rows.size(); ++i) {
        if (list->rows[i].q.path == wanted) return static_cast<int64_t>(i);
      }
      wanted = CanonicalInSnapshot(*list, wanted);
    }
    return -1;
  });
}

int ds_question_kind(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? 0 : static_cast<int>(row->q.kind);
}

const char* ds_question_path(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? kEmpty : row->q.path.c_str();
}

const char* ds_question_name(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? kEmpty : row->q.name.c_str();
}

int ds_question_type(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? 0 : static_cast<int>(row->q.type);
}

int ds_question_depth(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? 0 : row->q.depth;
}

const char* ds_question_label(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? kEmpty : row->q.label.c_str();
}

const char* ds_question_hint(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? kEmpty : row->q.hint.c_str();
}

int ds_question_flags(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  if (row == nullptr) return 0;
  int flags = 0;
  if (row->q.relevant) flags |= DS_FLAG_RELEVANT;
  if (row->q.required) flags |= DS_FLAG_REQUIRED;
  if (row->q.read_only) flags |= DS_FLAG_READ_ONLY;
  if (row->q.value) flags |= DS_FLAG_HAS_VALUE;
  return flags;
}

const char* ds_question_display(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? kEmpty : row->q.display.c_str();
}

const char* ds_question_value_text(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? kEmpty : row->value_text.c_str();
}

const uint8_t* ds_question_value_bytes(const ds_question_list* list, size_t i, size_t* len) {
  auto* row = QRow(list, i);
  if (len != nullptr) *len = row == nullptr ? 0 : row->value_bytes.size();
  static const uint8_t kNone[1] = {0};
  return row == nullptr ? kNone : reinterpret_cast<const uint8_t*>(row->value_bytes.data());
}

int64_t ds_question_instance_count(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? 0 : row->q.instance_count;
}

size_t ds_question_choice_count(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? 0 : row->q.choices.size();
}

const char* ds_question_choice_value(const ds_question_list* list, size_t i, size_t j) {
  auto* row = QRow(list, i);
  if (row == nullptr || j >= row->q.choices.size()) return kEmpty;
  return row->q.choices[j].value.c_str();
}

const char* ds_question_choice_label(const ds_question_list* list, size_t i, size_t j) {
  auto* row = QRow(list, i);
  if (row == nullptr || j >= row->q.choices.size()) return kEmpty;
  return row->q.choices[j].label.c_str();
}

const char* ds_question_error_code(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? kEmpty : row->q.error_code.c_str();
}

const char* ds_question_error_message(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? kEmpty : row->q.error_message.c_str();
}

int ds_question_signature_state(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  if (row == nullptr) return DS_SIGNATURE_MISSING;
  switch (row->q.signature_state) {
    case SignatureState::kValid: return DS_SIGNATURE_VALID;
    case SignatureState::kStale: return DS_SIGNATURE_STALE;
    case SignatureState::kMissing: return DS_SIGNATURE_MISSING;
  }
  return DS_SIGNATURE_MISSING;
}

const char* ds_question_signer_name(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? kEmpty : row->q.signer_name.c_str();
}

const char* ds_question_proxy_signer_name(const ds_question_list* list, size_t i) {
  auto* row = QRow(list, i);
  return row == nullptr ? kEmpty : row->q.proxy_signer_name.c_str();
}

// --- change lists ----------------------------------------------------------------------------

void ds_change_list_free(ds_change_list* list) { delete list; }

size_t ds_change_list_count(const ds_change_list* list) {
  return list == nullptr ? 0 : list->changes.size();
}

const char* ds_change_path(const ds_change_list* list, size_t i) {
  if (list == nullptr || i >= list->changes.size()) return kEmpty;
  return list->changes[i].path.c_str();
}

int ds_change_kind(const ds_change_list* list, size_t i) {
  if (list == nullptr || i >= list->changes.size()) return -1;
  return static_cast<int>(list->changes[i].kind);
}

const char* ds_change_list_instance_path(const ds_change_list* list) {
  return list == nullptr ? kEmpty : list->instance_path.c_str();
}

}  // extern "C"
