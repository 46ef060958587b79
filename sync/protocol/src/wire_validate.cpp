// Validating received interned change messages (ValidateChangeSet, ValidatePullPage): every
// error's `where` names the entry at fault ("changes[12].path_index").
#include <algorithm>
#include <string_view>

#include "doorstep/core/path.h"
#include "doorstep/sync/wire.h"

namespace doorstep::sync {
namespace {

using google::protobuf::RepeatedPtrField;

std::string Where(const char* list, size_t i, const char* field) {
  std::string w = list;
  w += '[';
  w += std::to_string(i);
  w += "].";
  w += field;
  return w;
}

// ---------------------------------------------------------------------------------------------
// Validation.

// Parses each path of a table at most once.
class PathChecker {
 public:
  explicit PathChecker(const RepeatedPtrField<std::string>& paths)
      : paths_(paths), state_(static_cast<size_t>(paths.size()), 0) {}

  // A path must parse and be written canonically (lowercase instance ids), so one field can
  // never be stored under two spellings.
  bool Valid(int i) {
    int8_t& s = state_[static_cast<size_t>(i)];
    if (s == 0) {
      auto parsed = FieldPath::Parse(paths_.Get(i));
      s = parsed.ok() && parsed->ToString() == paths_.Get(i) ? 1 : -1;
    }
    return s > 0;
  }

  // Why paths[i] is invalid, with `where`.
  Status Error(int i, std::string where) const {
    const std::string& path = paths_.Get(i);
    auto parsed = FieldPath::Parse(path);
    if (parsed.ok()) {
      return Status(Code::kInvalidArgument,
                    "'" + path + "' is not written canonically ('" + parsed->ToString() + "')",
                    std::move(where));
    }
    return Status(Code::kInvalidArgument,
                  "'" + path + "' is not a valid field path: " + parsed.status().message(),
                  std::move(where));
  }

  // Checks every path not referenced by a change.
  Status CheckRest(const char* table) {
    for (size_t i = 0; i < state_.size(); ++i) {
      if (state_[i] == 0 && !Valid(static_cast<int>(i))) {
        return Error(static_cast<int>(i), std::string(table) + "[" + std::to_string(i) + "]");
      }
    }
    return Status::Ok();
  }

 private:
  const RepeatedPtrField<std::string>& paths_;
  std::vector<int8_t> state_;
};

// The checks a change gets in both message kinds.
Status CheckChange(const v1::FieldChange& c, size_t i, int authors, PathChecker* paths,
                   int path_count) {
  if (c.record_id().size() != 16) {
    return Status(Code::kInvalidArgument,
                  "record id is " + std::to_string(c.record_id().size()) + " bytes, not 16",
                  Where("changes", i, "record_id"));
  }
  if (c.path_index() >= static_cast<uint32_t>(path_count)) {
    return Status(Code::kInvalidArgument,
                  "path index " + std::to_string(c.path_index()) + " is out of range (" +
                      std::to_string(path_count) + " paths)",
                  Where("changes", i, "path_index"));
  }
  if (!paths->Valid(static_cast<int>(c.path_index()))) {
    return paths->Error(static_cast<int>(c.path_index()), Where("changes", i, "path_index"));
  }
  if (c.author_index() >= static_cast<uint32_t>(authors)) {
    return Status(Code::kInvalidArgument,
                  "author index " + std::to_string(c.author_index()) + " is out of range (" +
                      std::to_string(authors) + " authors)",
                  Where("changes", i, "author_index"));
  }
  if (c.has_value() == c.cleared()) {
    return Status(Code::kInvalidArgument,
                  c.cleared() ? "a cleared change also carries a value"
                              : "a change carries neither a value nor cleared",
                  Where("changes", i, "value"));
  }
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Validation

Status ValidateChangeSet(const v1::ChangeSet& set) {
  if (set.batch_seq() == 0) {
    return Status(Code::kInvalidArgument, "batch_seq starts at 1", "batch_seq");
  }
  PathChecker paths(set.paths());
  for (int i = 0; i < set.changes_size(); ++i) {
    const v1::FieldChange& c = set.changes(i);
    auto index = static_cast<size_t>(i);
    DS_RETURN_IF_ERROR(CheckChange(c, index, set.authors_size(), &paths, set.paths_size()));
    if (c.base_version() < 0) {
      return Status(Code::kInvalidArgument, "base_version is negative",
                    Where("changes", index, "base_version"));
    }
  }
  return paths.CheckRest("paths");
}

Status ValidatePullPage(const v1::PullPage& page) {
  std::vector<std::string_view> headers;
  headers.reserve(static_cast<size_t>(page.records_size()));
  for (int j = 0; j < page.records_size(); ++j) {
    const v1::RecordHeader& r = page.records(j);
    auto index = static_cast<size_t>(j);
    if (r.record_id().size() != 16) {
      return Status(Code::kInvalidArgument,
                    "record id is " + std::to_string(r.record_id().size()) + " bytes, not 16",
                    Where("records", index, "record_id"));
    }
    if (r.form_id().empty()) {
      return Status(Code::kInvalidArgument, "record header without form_id",
                    Where("records", index, "form_id"));
    }
    if (r.form_version().empty()) {
      return Status(Code::kInvalidArgument, "record header without form_version",
                    Where("records", index, "form_version"));
    }
    headers.push_back(r.record_id());
  }
  std::sort(headers.begin(), headers.end());
  PathChecker paths(page.paths());
  int64_t last_version = 0;
  for (int i = 0; i < page.changes_size(); ++i) {
    const v1::FieldChange& c = page.changes(i);
    auto index = static_cast<size_t>(i);
    DS_RETURN_IF_ERROR(CheckChange(c, index, page.authors_size(), &paths, page.paths_size()));
    if (!std::binary_search(headers.begin(), headers.end(), std::string_view(c.record_id()))) {
      return Status(Code::kInvalidArgument, "the page has no header for this change's record",
                    Where("changes", index, "record_id"));
    }
    if (c.version() <= 0) {
      return Status(Code::kInvalidArgument, "a pulled change needs a positive version",
                    Where("changes", index, "version"));
    }
    if (c.version() < last_version) {
      return Status(Code::kInvalidArgument, "changes are not ordered by version",
                    Where("changes", index, "version"));
    }
    last_version = c.version();
  }
  if (page.next_cursor() < last_version) {
    return Status(Code::kInvalidArgument,
                  "next_cursor " + std::to_string(page.next_cursor()) +
                      " is below the page's last version " + std::to_string(last_version),
                  "next_cursor");
  }
  return paths.CheckRest("paths");
}

}  // namespace doorstep::sync
