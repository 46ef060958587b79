// Edge cases of the C ABI, from C++: nothing throws across it (a host callback that throws is
// DS_INTERNAL with its message), NULL handles and arguments name the parameter, out parameters are
// zeroed on failure, the last error is per thread, odd file names and text are handled.
// Linked against libdoorstep.so only (see tests/capi/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "doorstep/c/doorstep.h"

namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "doorstep-capi-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    REQUIRE(mkdtemp(buf.data()) != nullptr);
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string LastError() { return ds_last_error_message(); }

// A plain store (or one keyed by the key-file store in an encrypted build) with an author.
struct OpenedStore {
  explicit OpenedStore(const TempDir& dir, const std::string& name = "t.db") {
    REQUIRE(ds_key_file_store_create(dir.path().c_str(), &keys) == DS_OK);
    ds_store_options* options = ds_store_options_create();
    ds_store_options_set_path(options, dir.File(name).c_str());
    ds_store_options_set_key_store(options, keys);
    ds_store_options_set_allow_plain(options, ds_encryption_available() ? 0 : 1);
    ds_store_options_set_durability(options, 2);
    ds_status rc = ds_store_open(options, &store);
    ds_store_options_destroy(options);
    INFO(LastError());
    REQUIRE(rc == DS_OK);
    REQUIRE(ds_store_set_author(store, "s-1", "d-1") == DS_OK);
  }
  ~OpenedStore() {
    ds_store_close(store);
    ds_key_file_store_destroy(keys);
  }
  ds_key_store* keys = nullptr;
  ds_store* store = nullptr;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void InstallHousehold(ds_store* store) {
  const std::string bytes = ReadAll(DOORSTEP_CAPI_HOUSEHOLD_PB);
  INFO(LastError());
  REQUIRE(ds_store_install_form(store, reinterpret_cast<const uint8_t*>(bytes.data()),
                                bytes.size()) == DS_OK);
}

}  // namespace

TEST_CASE("status names are the core's code names, with stable numbers", "[capi]") {
  const std::vector<std::pair<ds_status, std::string>> names = {
      {DS_OK, "ok"},
      {DS_INVALID_ARGUMENT, "invalid_argument"},
      {DS_NOT_FOUND, "not_found"},
      {DS_ALREADY_EXISTS, "already_exists"},
      {DS_FAILED_PRECONDITION, "failed_precondition"},
      {DS_VALIDATION, "validation"},
      {DS_PARSE, "parse"},
      {DS_CORRUPTION, "corruption"},
      {DS_IO, "io"},
      {DS_WRONG_KEY, "wrong_key"},
      {DS_SCHEMA_TOO_NEW, "schema_too_new"},
      {DS_CONFLICT, "conflict"},
      {DS_PERMISSION_DENIED, "permission_denied"},
      {DS_INTERNAL, "internal"},
      {DS_UNAVAILABLE, "unavailable"},
      {DS_CANCELLED, "cancelled"},
      {DS_RESOURCE_EXHAUSTED, "resource_exhausted"},
  };
  for (size_t i = 0; i < names.size(); ++i) {
    CHECK(names[i].first == static_cast<ds_status>(i));
    CHECK(ds_status_name(names[i].first) == names[i].second);
  }
  CHECK(std::string(ds_status_name(17)) == "unknown");
}

TEST_CASE("NULL arguments are DS_INVALID_ARGUMENT naming the parameter, outs are zeroed",
          "[capi]") {
  TempDir dir;
  OpenedStore s(dir);
  char* text = reinterpret_cast<char*>(&s);
  CHECK(ds_store_create_record(s.store, nullptr, nullptr, &text) == DS_INVALID_ARGUMENT);
  CHECK(text == nullptr);
  CHECK(LastError() == "form_id: must not be NULL (ds_store_create_record)");
  CHECK(std::string(ds_last_error_where()) == "form_id");

  ds_form_list* forms = reinterpret_cast<ds_form_list*>(&s);
  CHECK(ds_store_forms(nullptr, &forms) == DS_INVALID_ARGUMENT);
  CHECK(forms == nullptr);
  CHECK(LastError() == "store: must not be NULL (ds_store_forms)");

  ds_session* session = reinterpret_cast<ds_session*>(&s);
  CHECK(ds_session_open(s.store, nullptr, nullptr, &session) == DS_INVALID_ARGUMENT);
  CHECK(session == nullptr);
  CHECK(ds_session_open(s.store, "not a uuid", nullptr, &session) == DS_INVALID_ARGUMENT);
  CHECK(std::string(ds_last_error_where()) == "record_id");
  CHECK(ds_session_open(s.store, "0b0e6a49-2f33-4f35-9d5f-0e2b1c7b9a10", nullptr, &session) ==
        DS_NOT_FOUND);
  CHECK(session == nullptr);

  CHECK(ds_sync_enroll(s.store, nullptr, "http://x", "t", "d") == DS_INVALID_ARGUMENT);
  CHECK(LastError() == "transport: must not be NULL (ds_sync_enroll)");
  ds_transport no_send{nullptr, nullptr};
  CHECK(ds_sync(s.store, &no_send, nullptr, nullptr, nullptr, nullptr) == DS_INVALID_ARGUMENT);
  CHECK(LastError().find("send is NULL") != std::string::npos);
}

TEST_CASE("accessors out of range return empty values, never crash", "[capi]") {
  TempDir dir;
  OpenedStore s(dir);
  InstallHousehold(s.store);
  char* id = nullptr;
  REQUIRE(ds_store_create_record(s.store, "household", "", &id) == DS_OK);
  ds_session* session = nullptr;
  REQUIRE(ds_session_open(s.store, id, "en", &session) == DS_OK);
  ds_question_list* q = nullptr;
  REQUIRE(ds_session_questions(session, &q) == DS_OK);
  const size_t n = ds_question_list_count(q);
  REQUIRE(n > 0);
  CHECK(std::string(ds_question_path(q, n)) == "");
  CHECK(ds_question_flags(q, n) == 0);
  CHECK(ds_question_choice_count(q, n) == 0);
  CHECK(std::string(ds_question_choice_value(q, 0, 1000)) == "");
  size_t len = 99;
  CHECK(ds_question_value_bytes(q, n, &len) != nullptr);
  CHECK(len == 0);
  CHECK(ds_question_signature_state(q, n) == DS_SIGNATURE_MISSING);
  ds_question_list_free(q);
  ds_session_close(session);
  ds_free(id);
}

TEST_CASE("a host callback that throws is DS_INTERNAL with its message, nothing escapes",
          "[capi]") {
  TempDir dir;
  OpenedStore s(dir);
  ds_transport throwing{nullptr, [](void*, const ds_http_request*, ds_http_response*) -> ds_status {
                          throw std::runtime_error("host bug");
                        }};
  CHECK(ds_sync_enroll(s.store, &throwing, "http://127.0.0.1:9", "token", "tablet") ==
        DS_INTERNAL);
  CHECK(LastError().find("host bug") != std::string::npos);

  ds_key_store keys{nullptr, [](void*, const char*, uint8_t*, size_t, size_t*) -> ds_status {
                      throw 42;  // not even a std::exception
                    }};
  ds_store_options* options = ds_store_options_create();
  ds_store_options_set_path(options, dir.File("k.db").c_str());
  ds_store_options_set_key_store(options, &keys);
  ds_store* store = nullptr;
  if (ds_encryption_available()) {
    CHECK(ds_store_open(options, &store) == DS_INTERNAL);
    CHECK(LastError().find("unknown exception") != std::string::npos);
  } else {
    CHECK(ds_store_open(options, &store) == DS_FAILED_PRECONDITION);
    CHECK(LastError().find("without encryption") != std::string::npos);
  }
  CHECK(store == nullptr);
  ds_store_options_destroy(options);
}

TEST_CASE("a log callback that throws does not fail the write", "[capi]") {
  TempDir dir;
  ds_store_options* options = ds_store_options_create();
  ds_store_options_set_path(options, dir.File("log.db").c_str());
  ds_store_options_set_allow_plain(options, 1);
  ds_store_options_set_logger(options, [](void*, int, const char*) { throw std::logic_error("x"); },
                              nullptr);
  ds_store* store = nullptr;
  if (!ds_encryption_available()) {
    REQUIRE(ds_store_open(options, &store) == DS_OK);
    CHECK(ds_store_set_author(store, "s", "d") == DS_OK);
    InstallHousehold(store);
    char* id = nullptr;
    CHECK(ds_store_create_record(store, "household", nullptr, &id) == DS_OK);
    ds_free(id);
    ds_store_close(store);
  }
  ds_store_options_destroy(options);
}

TEST_CASE("a host key store's failure is reported as the key store's", "[capi]") {
  if (!ds_encryption_available()) return;  // plain builds never ask a key store
  TempDir dir;
  ds_key_store keys{nullptr, [](void*, const char*, uint8_t*, size_t, size_t*) -> ds_status {
                      return DS_PERMISSION_DENIED;
                    }};
  ds_store_options* options = ds_store_options_create();
  ds_store_options_set_path(options, dir.File("k.db").c_str());
  ds_store_options_set_key_store(options, &keys);
  ds_store* store = nullptr;
  CHECK(ds_store_open(options, &store) == DS_PERMISSION_DENIED);
  CHECK(LastError().rfind("key store: ", 0) == 0);
  ds_store_options_destroy(options);
}

TEST_CASE("the key-file store refuses a key file others can read", "[capi]") {
  TempDir dir;
  ds_key_store* keys = nullptr;
  REQUIRE(ds_key_file_store_create(dir.path().c_str(), &keys) == DS_OK);
  uint8_t key[32];
  size_t len = 0;
  REQUIRE(keys->get_or_create(keys->context, "v.db", key, sizeof key, &len) == DS_OK);
  fs::permissions(dir.File("v.db.key"), fs::perms::group_read, fs::perm_options::add);
  CHECK(keys->get_or_create(keys->context, "v.db", key, sizeof key, &len) ==
        DS_PERMISSION_DENIED);
  CHECK(LastError().find("chmod 600") != std::string::npos);
  CHECK(LastError().find(dir.File("v.db.key")) != std::string::npos);
  ds_key_file_store_destroy(keys);
}

TEST_CASE("the last error is per thread", "[capi]") {
  CHECK(ds_random_bytes(nullptr, 1) == DS_INVALID_ARGUMENT);
  const std::string mine = LastError();
  std::string theirs = "unset";
  std::thread([&] { theirs = ds_last_error_message(); }).join();
  CHECK(theirs == "");
  CHECK(LastError() == mine);
}

TEST_CASE("file names and text that are not UTF-8 are handled, not crashed on", "[capi]") {
  TempDir dir;
  ds_store_options* options = ds_store_options_create();
  ds_store_options_set_path(options, dir.File("\xff\xfe-bad.db").c_str());
  ds_store_options_set_allow_plain(options, 1);
  ds_store* store = nullptr;
  if (!ds_encryption_available()) {
    // Linux file names are bytes: the store opens.
    INFO(LastError());
    REQUIRE(ds_store_open(options, &store) == DS_OK);
    REQUIRE(ds_store_set_author(store, "s", "d") == DS_OK);
    InstallHousehold(store);
    char* id = nullptr;
    REQUIRE(ds_store_create_record(store, "household", nullptr, &id) == DS_OK);
    ds_session* session = nullptr;
    REQUIRE(ds_session_open(store, id, nullptr, &session) == DS_OK);
    const ds_status rc = ds_session_set_text(session, "head_name", "\xc3\x28 bad", nullptr);
    CHECK((rc == DS_OK || rc == DS_INVALID_ARGUMENT));
    CHECK(ds_session_set_text(session, "no\xffsuch", "x", nullptr) == DS_INVALID_ARGUMENT);
    ds_session_close(session);
    ds_free(id);
    ds_store_close(store);
  }
  ds_store_options_destroy(options);
  // A directory that does not exist: DS_IO (or the key file's error), never a crash.
  options = ds_store_options_create();
  ds_store_options_set_path(options, dir.File("missing/dir/x.db").c_str());
  ds_store_options_set_allow_plain(options, 1);
  CHECK(ds_store_open(options, &store) != DS_OK);
  CHECK(store == nullptr);
  CHECK(!LastError().empty());
  ds_store_options_destroy(options);
}

TEST_CASE("a host transport that gets no answer: the error names the endpoint", "[capi]") {
  TempDir dir;
  OpenedStore s(dir);
  ds_transport silent{nullptr, [](void*, const ds_http_request*, ds_http_response*) -> ds_status {
                        return DS_CANCELLED;
                      }};
  CHECK(ds_sync_enroll(s.store, &silent, "http://127.0.0.1:9", "token", "tablet") == DS_CANCELLED);
  CHECK(LastError().find("/v1/enroll") != std::string::npos);
}

TEST_CASE("the built-in curl transport and its destroy", "[capi]") {
  ds_transport* curl = nullptr;
  const ds_status rc = ds_curl_transport_create(&curl);
  if (rc == DS_FAILED_PRECONDITION) {
    CHECK(curl == nullptr);
    return;
  }
  REQUIRE(rc == DS_OK);
  REQUIRE(curl != nullptr);
  // A host-owned transport given to ds_curl_transport_destroy is left alone.
  ds_transport mine{nullptr, [](void*, const ds_http_request*, ds_http_response*) -> ds_status {
                      return DS_OK;
                    }};
  ds_curl_transport_destroy(&mine);
  ds_curl_transport_destroy(curl);
}

TEST_CASE("allow_plain opens a store without a key store, in encrypted builds too", "[capi]") {
  TempDir dir;
  ds_store_options* options = ds_store_options_create();
  ds_store_options_set_path(options, dir.File("plain.db").c_str());
  ds_store* store = nullptr;
  // Without allow_plain and without a key store: refused, naming what is missing.
  CHECK(ds_store_open(options, &store) == DS_FAILED_PRECONDITION);
  CHECK(store == nullptr);
  CHECK(LastError().find("key store") != std::string::npos);
  ds_store_options_set_allow_plain(options, 1);
  const ds_status rc = ds_store_open(options, &store);
  ds_store_options_destroy(options);
  INFO(LastError());
  REQUIRE(rc == DS_OK);
  CHECK(ds_store_set_author(store, "s-1", "d-1") == DS_OK);
  ds_store_close(store);
}

TEST_CASE("destroy functions free only what the library created, not copies of it", "[capi]") {
  TempDir dir;
  ds_key_store* keys = nullptr;
  REQUIRE(ds_key_file_store_create(dir.path().c_str(), &keys) == DS_OK);
  ds_key_store copy = *keys;  // e.g. a host decorator that copied callback and context
  ds_key_file_store_destroy(&copy);  // not ours: left alone (ASan would see a bad free)
  ds_key_file_store_destroy(keys);

  ds_transport* curl = nullptr;
  if (ds_curl_transport_create(&curl) == DS_OK) {
    ds_transport copied = *curl;
    ds_curl_transport_destroy(&copied);
    ds_curl_transport_destroy(curl);
  }
}
