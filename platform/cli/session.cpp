// Session: opening the store (key, existence check), author check, record id resolution.
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli.h"
#include "output.h"

namespace doorstep::cli {

std::string Session::ReadKey() const {
  if (!options_.key_file.empty()) {
    std::string key = ReadFileOrFail(options_.key_file, "key file", 4096);
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    if (key.empty()) Fail("key file '" + options_.key_file + "' is empty");
    return key;
  }
  const char* env = std::getenv("DOORSTEP_KEY");
  return env == nullptr ? std::string() : std::string(env);
}

Store& Session::Open(bool create) {
  if (store_) return *store_;
  const std::string& path = options_.db;
  if (path.empty()) UsageFail("--db: empty file name");
  if (!create && !std::filesystem::exists(path)) {
    Fail("no store at '" + path +
         "'; run `doorstep init --surveyor ID --device ID` first (or give --db FILE)");
  }
  StoreOptions so;
  so.path = path;
  so.key = ReadKey();
  so.clock = &clock_;
  so.random = &random_;
  so.logger = &logger_;
  auto opened = Store::Open(so);
  if (!opened.ok()) {
    const Status& s = opened.status();
    if (s.code() == Code::kWrongKey) {
      Fail("cannot open '" + path + "': wrong or missing encryption key (give --key-file FILE "
           "or set DOORSTEP_KEY)");
    }
    if (s.code() == Code::kSchemaTooNew) {
      Fail("cannot open '" + path + "': written by a newer Doorstep; update this program");
    }
    Fail("cannot open '" + path + "': " +
         (s.where().empty() ? s.message() : s.where() + ": " + s.message()));
  }
  store_ = std::move(opened).value();
  return *store_;
}

Store& Session::store() { return Open(false); }
Store& Session::CreateOrOpen() { return Open(true); }

void Session::RequireAuthor() {
  if (store().author().surveyor_id.empty()) {
    Fail("no surveyor set for this store; run `doorstep init --surveyor ID --device ID`");
  }
}

RecordId Session::ResolveRecord(const std::string& text) {
  auto exact = Uuid::Parse(text);
  if (exact.ok()) return exact.value();
  std::string prefix;
  for (char c : text) prefix.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  bool hex = prefix.size() >= 4 && prefix.size() < 36;
  for (char c : prefix) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '-') hex = false;
  }
  if (!hex) {
    Fail("'" + text + "' is not a record id (a UUID, or a prefix of at least 4 characters)");
  }
  auto records = Unwrap(store().ListRecords());
  std::vector<RecordId> matches;
  for (const auto& r : records) {
    if (r.id.ToString().compare(0, prefix.size(), prefix) == 0) matches.push_back(r.id);
  }
  if (matches.empty()) Fail("no record with an id starting with '" + prefix + "'");
  if (matches.size() > 1) {
    Fail("record id prefix '" + prefix + "' is ambiguous (" + std::to_string(matches.size()) +
         " records); give more characters");
  }
  return matches.front();
}

Session::Loaded Session::Load(const RecordId& id, bool relevant_only) {
  Store& s = store();
  Loaded loaded{Unwrap(relevant_only ? s.GetRelevantRecord(id) : s.GetRecord(id)), nullptr};
  loaded.form = Unwrap(s.GetForm(loaded.record.form_id, loaded.record.form_version));
  return loaded;
}

void Session::RequireDraft(const Record& record) {
  if (record.deleted) Fail("record " + record.id.ToString() + " is deleted");
  if (record.state == RecordState::kFinalized) {
    Fail("record " + record.id.ToString() +
         " is finalized; run `doorstep record reopen ID` to correct it");
  }
}

}  // namespace doorstep::cli
