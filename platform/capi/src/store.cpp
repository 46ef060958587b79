// The C ABI over doorstep::Store: key stores, store options, open/close, forms, records, the
// audit trail.
#include <algorithm>

#include "doorstep/core/value_text.h"
#include "internal.h"

namespace doorstep::capi {
namespace {

// --- the key-file key store (posix::KeyFile behind the C callback struct) ----------------------

struct KeyFileContext {
  explicit KeyFileContext(std::string directory) : file(random, std::move(directory)) {}
  posix::SystemRandom random;
  posix::KeyFile file;
};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string ToHex(const uint8_t* bytes, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
  return out;
}

// The key of `key_id` from the key file, as raw bytes into the caller's buffer.
Status KeyFileGet(KeyFileContext& ctx, const char* key_id, uint8_t* key_out, size_t capacity,
                  size_t* key_len) {
  DS_CAPI_REQUIRE("key file store", key_id);
  DS_CAPI_REQUIRE("key file store", key_out);
  DS_CAPI_REQUIRE("key file store", key_len);
  DS_ASSIGN_OR_RETURN(std::string hex, ctx.file.GetOrCreateKey(key_id));
  const size_t n = hex.size() / 2;
  if (n > capacity) {
    return Status(Code::kResourceExhausted, "the key does not fit the buffer given", "key_out");
  }
  for (size_t i = 0; i < n; ++i) {
    int hi = HexDigit(hex[2 * i]);
    int lo = HexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status(Code::kCorruption, "the key file does not hold hex digits");
    key_out[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  std::fill(hex.begin(), hex.end(), '\0');
  *key_len = n;
  return Status::Ok();
}

ds_status KeyFileCallback(void* context, const char* key_id, uint8_t* key_out, size_t capacity,
                          size_t* key_len) {
  return Boundary("key file store", [&]() -> Status {
    DS_CAPI_REQUIRE("key file store", context);
    return KeyFileGet(*static_cast<KeyFileContext*>(context), key_id, key_out, capacity, key_len);
  });
}

// The store's key text: the lowercase hex of the key store's bytes (for a key file: the file's
// own text, so `doorstep --key-file FILE` opens the same store).
Result<std::string> KeyText(const ds_key_store& ks, const std::string& key_id) {
  if (ks.get_or_create == nullptr) {
    return Status(Code::kInvalidArgument, "key store: get_or_create is NULL", "key_store");
  }
  uint8_t buf[256];
  size_t len = 0;
  Status failed;
  if (ks.get_or_create == &KeyFileCallback) {
    // Our own key file: call it directly to keep its full message.
    failed = KeyFileGet(*static_cast<KeyFileContext*>(ks.context), key_id.c_str(), buf, sizeof buf,
                        &len);
  } else {
    ds_status rc = ks.get_or_create(ks.context, key_id.c_str(), buf, sizeof buf, &len);
    if (rc != DS_OK) {
      Code code = rc > 0 && rc <= static_cast<int>(Code::kResourceExhausted) ? static_cast<Code>(rc)
                                                                            : Code::kInternal;
      failed = Status(code, std::string("the host's key store failed (") + ds_status_name(rc) + ")");
    } else if (len > sizeof buf) {
      failed = Status(Code::kInvalidArgument, "the host's key store reported a key longer than "
                                              "the buffer it was given");
    }
  }
  if (!failed.ok()) {
    std::fill(std::begin(buf), std::end(buf), uint8_t{0});
    return Status(failed.code(), "key store: " + failed.message(), failed.where());
  }
  if (len == 0) return Status(Code::kInvalidArgument, "key store: the key is empty");
  std::string key = ToHex(buf, len);
  std::fill(std::begin(buf), std::end(buf), uint8_t{0});
  return key;
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Result<RecordId> ParseRecordId(const char* text, const char* param) {
  if (text == nullptr) return NullArgument("record id", param);
  auto id = Uuid::Parse(text);
  if (!id.ok()) return Status(Code::kInvalidArgument, "not a record id (a UUID)", param);
  return *id;
}

bool ContainsText(const Record& record, const std::string& query) {
  for (const StoredValue& v : record.values) {
    const v1::Value& value = v.value;
    switch (value.kind_case()) {
      case v1::Value::kText:
        if (value.text().find(query) != std::string::npos) return true;
        break;
      case v1::Value::kSelectOne:
        if (value.select_one().find(query) != std::string::npos) return true;
        break;
      case v1::Value::kSelectMultiple:
        for (const std::string& s : value.select_multiple().values()) {
          if (s.find(query) != std::string::npos) return true;
        }
        break;
      default:
        break;
    }
  }
  return false;
}

}  // namespace
}  // namespace doorstep::capi

using namespace doorstep;
using namespace doorstep::capi;

extern "C" {

// --- key stores ------------------------------------------------------------------------------

ds_status ds_key_file_store_create(const char* directory, ds_key_store** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_key_file_store_create", [&]() -> Status {
    DS_CAPI_REQUIRE("ds_key_file_store_create", directory);
    DS_CAPI_REQUIRE("ds_key_file_store_create", out);
    if (*directory == '\0') {
      return Status(Code::kInvalidArgument, "ds_key_file_store_create: empty directory",
                    "directory");
    }
    auto context = std::make_unique<KeyFileContext>(directory);
    auto store = std::make_unique<ds_key_store>();
    store->context = context.get();
    store->get_or_create = &KeyFileCallback;
    Owned().Add(store.get());
    context.release();
    *out = store.release();
    return Status::Ok();
  });
}

void ds_key_file_store_destroy(ds_key_store* key_store) {
  GuardVoid("ds_key_file_store_destroy", [&] {
    if (key_store == nullptr) return;
    if (!Owned().Remove(key_store)) return;  // not one of ours: the host owns it
    delete static_cast<KeyFileContext*>(key_store->context);
    delete key_store;
  });
}

// --- options ---------------------------------------------------------------------------------

ds_store_options* ds_store_options_create(void) {
  return Guard<ds_store_options*>("ds_store_options_create", nullptr,
                                  [] { return new ds_store_options(); });
}

void ds_store_options_destroy(ds_store_options* options) { delete options; }

void ds_store_options_set_path(ds_store_options* options, const char* path) {
  GuardVoid("ds_store_options_set_path", [&] {
    if (options != nullptr) options->path = Str(path);
  });
}

void ds_store_options_set_key_store(ds_store_options* options, const ds_key_store* key_store) {
  if (options != nullptr) options->key_store = key_store;
}

void ds_store_options_set_durability(ds_store_options* options, int durability) {
  if (options != nullptr) options->durability = durability;
}

void ds_store_options_set_allow_plain(ds_store_options* options, int allow) {
  if (options != nullptr) options->allow_plain = allow != 0;
}

void ds_store_options_set_logger(ds_store_options* options, ds_log_fn fn, void* context) {
  if (options == nullptr) return;
  options->log_fn = fn;
  options->log_context = context;
}

// --- store -----------------------------------------------------------------------------------

ds_status ds_store_open(const ds_store_options* options, ds_store** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_store_open", [&]() -> Status {
    DS_CAPI_REQUIRE("ds_store_open", options);
    DS_CAPI_REQUIRE("ds_store_open", out);
    if (options->path.empty()) {
      return Status(Code::kInvalidArgument, "ds_store_open: no path set", "path");
    }
    if (options->durability < 0 || options->durability > 2) {
      return Status(Code::kInvalidArgument, "ds_store_open: durability is 0, 1 or 2", "durability");
    }
    auto handle = std::make_unique<ds_store>();
    handle->path = options->path;
    StoreOptions so;
    so.path = options->path;
    if (options->key_store != nullptr && ds_encryption_available()) {
      DS_ASSIGN_OR_RETURN(so.key, KeyText(*options->key_store, BaseName(options->path)));
    } else if (options->key_store != nullptr) {
      if (!options->allow_plain) {
        return Status(Code::kFailedPrecondition,
                      "ds_store_open: this library was built without encryption (SQLCipher); "
                      "a store can only be opened plain, with ds_store_options_set_allow_plain");
      }
    } else if (!options->allow_plain) {
      return Status(Code::kFailedPrecondition,
                    "ds_store_open: no key store set (ds_store_options_set_key_store); plain "
                    "stores need ds_store_options_set_allow_plain (tests only)");
    }
    // Plain only when the host asked for it (tests); a tablet build's core refuses a keyless
    // store otherwise.
    so.allow_plain_for_tests = options->allow_plain;
    so.clock = &handle->clock;
    so.random = &handle->random;
    handle->logger.Set(options->log_fn, options->log_context);
    if (handle->logger.enabled()) so.logger = &handle->logger;
    so.durability = options->durability == 1   ? Durability::kNormal
                    : options->durability == 2 ? Durability::kOff
                                               : Durability::kFull;
    auto opened = Store::Open(so);
    std::fill(so.key.begin(), so.key.end(), '\0');
    if (!opened.ok()) return opened.status();
    handle->store = std::move(opened).value();
    *out = handle.release();
    return Status::Ok();
  });
}

void ds_store_close(ds_store* store) {
  GuardVoid("ds_store_close", [&] {
    if (store == nullptr) return;
    if (store->sessions > 0) {
      store->closed = true;  // freed by the last ds_session_close
      return;
    }
    delete store;
  });
}

ds_status ds_store_set_author(ds_store* store, const char* surveyor_id, const char* device_id) {
  return Boundary("ds_store_set_author", [&]() -> Status {
    DS_CAPI_REQUIRE("ds_store_set_author", store);
    DS_CAPI_REQUIRE("ds_store_set_author", surveyor_id);
    DS_CAPI_REQUIRE("ds_store_set_author", device_id);
    if (*surveyor_id == '\0') return Status(Code::kInvalidArgument, "empty surveyor id", "surveyor_id");
    if (*device_id == '\0') return Status(Code::kInvalidArgument, "empty device id", "device_id");
    return store->store->SetAuthor({surveyor_id, device_id});
  });
}

ds_status ds_store_pending_count(ds_store* store, int64_t* out) {
  if (out != nullptr) *out = 0;
  return Boundary("ds_store_pending_count", [&]() -> Status {
    DS_CAPI_REQUIRE("ds_store_pending_count", store);
    DS_CAPI_REQUIRE("ds_store_pending_count", out);
    DS_ASSIGN_OR_RETURN(int64_t n, store->store->OutboxSize());
    *out = n;
    return Status::Ok();
  });
}

// --- forms -----------------------------------------------------------------------------------

ds_status ds_store_install_form(ds_store* store, const uint8_t* bytes, size_t len) {
  return Boundary("ds_store_install_form", [&]() -> Status {
    DS_CAPI_REQUIRE("ds_store_install_form", store);
    if (len > 0) DS_CAPI_REQUIRE("ds_store_install_form", bytes);
    if (len > static_cast<size_t>(INT32_MAX)) {
      return Status(Code::kResourceExhausted, "form definition too large", "len");
    }
    v1::FormDef def;
    if (!def.ParseFromArray(bytes, static_cast<int>(len))) {
      return Status(Code::kParse, "the bytes are not a serialized doorstep.v1.FormDef", "bytes");
    }
    return store->store->InstallForm(def);
  });
}

ds_status ds_store_forms(ds_store* store, ds_form_list** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_store_forms", [&]() -> Status {
    DS_CAPI_REQUIRE("ds_store_forms", store);
    DS_CAPI_REQUIRE("ds_store_forms", out);
    DS_ASSIGN_OR_RETURN(auto forms, store->store->ListForms());
    auto list = std::make_unique<ds_form_list>();
    list->forms = std::move(forms);
    *out = list.release();
    return Status::Ok();
  });
}

void ds_form_list_free(ds_form_list* list) { delete list; }

size_t ds_form_list_count(const ds_form_list* list) {
  return list == nullptr ? 0 : list->forms.size();
}

const char* ds_form_list_id(const ds_form_list* list, size_t i) {
  if (list == nullptr || i >= list->forms.size()) return kEmpty;
  return list->forms[i].form_id.c_str();
}

const char* ds_form_list_version(const ds_form_list* list, size_t i) {
  if (list == nullptr || i >= list->forms.size()) return kEmpty;
  return list->forms[i].version.c_str();
}

const char* ds_form_list_title(const ds_form_list* list, size_t i, const char* language) {
  if (list == nullptr || i >= list->forms.size()) return kEmpty;
  const v1::Label& title = list->forms[i].title;
  const bool en = language != nullptr && std::strcmp(language, "en") == 0;
  const std::string& first = en ? title.en() : title.zh();
  const std::string& second = en ? title.zh() : title.en();
  return (first.empty() ? second : first).c_str();
}

int64_t ds_form_list_record_count(const ds_form_list* list, size_t i) {
  if (list == nullptr || i >= list->forms.size()) return 0;
  return list->forms[i].record_count;
}

// --- records ---------------------------------------------------------------------------------

ds_status ds_store_create_record(ds_store* store, const char* form_id, const char* version,
                                 char** id_out) {
  if (id_out != nullptr) *id_out = nullptr;
  return Boundary("ds_store_create_record", [&]() -> Status {
    DS_CAPI_REQUIRE("ds_store_create_record", store);
    DS_CAPI_REQUIRE("ds_store_create_record", form_id);
    DS_CAPI_REQUIRE("ds_store_create_record", id_out);
    DS_ASSIGN_OR_RETURN(RecordId id, store->store->CreateRecord(form_id, Str(version)));
    *id_out = CopyString(id.ToString());
    return Status::Ok();
  });
}

ds_status ds_store_delete_record(ds_store* store, const char* record_id) {
  return Boundary("ds_store_delete_record", [&]() -> Status {
    DS_CAPI_REQUIRE("ds_store_delete_record", store);
    DS_ASSIGN_OR_RETURN(RecordId id, ParseRecordId(record_id, "record_id"));
    return store->store->DeleteRecord(id);
  });
}

ds_status ds_store_find_records(ds_store* store, const char* form_id, const char* query,
                                size_t limit, ds_record_list** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_store_find_records", [&]() -> Status {
    DS_CAPI_REQUIRE("ds_store_find_records", store);
    DS_CAPI_REQUIRE("ds_store_find_records", out);
    DS_ASSIGN_OR_RETURN(auto summaries, store->store->ListRecords(Str(form_id)));
    std::stable_sort(summaries.begin(), summaries.end(),
                     [](const RecordSummary& a, const RecordSummary& b) {
                       return a.updated > b.updated;
                     });
    const std::string q = Str(query);
    auto list = std::make_unique<ds_record_list>();
    for (const RecordSummary& s : summaries) {
      if (limit != 0 && list->rows.size() >= limit) break;
      if (!q.empty()) {
        DS_ASSIGN_OR_RETURN(Record record, store->store->GetRecord(s.id));
        if (!ContainsText(record, q)) continue;
      }
      ds_record_list::Row row;
      row.id = s.id.ToString();
      row.form_id = s.form_id;
      row.form_version = s.form_version;
      row.state = s.state == RecordState::kFinalized ? 1 : 0;
      row.updated_ms = HlcMillis(s.updated);
      list->rows.push_back(std::move(row));
    }
    *out = list.release();
    return Status::Ok();
  });
}

void ds_record_list_free(ds_record_list* list) { delete list; }

size_t ds_record_list_count(const ds_record_list* list) {
  return list == nullptr ? 0 : list->rows.size();
}

const char* ds_record_list_id(const ds_record_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? kEmpty : row->id.c_str();
}

const char* ds_record_list_form_id(const ds_record_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? kEmpty : row->form_id.c_str();
}

const char* ds_record_list_form_version(const ds_record_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? kEmpty : row->form_version.c_str();
}

int ds_record_list_state(const ds_record_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? 0 : row->state;
}

int64_t ds_record_list_updated_ms(const ds_record_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? 0 : row->updated_ms;
}

// --- audit trail -----------------------------------------------------------------------------

ds_status ds_store_audit_trail(ds_store* store, const char* record_id, ds_audit_list** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_store_audit_trail", [&]() -> Status {
    DS_CAPI_REQUIRE("ds_store_audit_trail", store);
    DS_CAPI_REQUIRE("ds_store_audit_trail", out);
    DS_ASSIGN_OR_RETURN(RecordId id, ParseRecordId(record_id, "record_id"));
    DS_ASSIGN_OR_RETURN(auto entries, store->store->AuditTrail(id));
    auto list = std::make_unique<ds_audit_list>();
    for (const AuditEntry& e : entries) {
      ds_audit_list::Row row;
      row.path = e.path;
      if (e.old_value) row.old_value = FormatValueText(*e.old_value);
      if (e.new_value) row.new_value = FormatValueText(*e.new_value);
      row.surveyor = e.author.surveyor_id;
      row.device = e.author.device_id;
      row.time_ms = HlcMillis(e.hlc);
      list->rows.push_back(std::move(row));
    }
    *out = list.release();
    return Status::Ok();
  });
}

void ds_audit_list_free(ds_audit_list* list) { delete list; }

size_t ds_audit_list_count(const ds_audit_list* list) {
  return list == nullptr ? 0 : list->rows.size();
}

const char* ds_audit_list_path(const ds_audit_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? kEmpty : row->path.c_str();
}

const char* ds_audit_list_old_value(const ds_audit_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? kEmpty : row->old_value.c_str();
}

const char* ds_audit_list_new_value(const ds_audit_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? kEmpty : row->new_value.c_str();
}

const char* ds_audit_list_surveyor(const ds_audit_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? kEmpty : row->surveyor.c_str();
}

const char* ds_audit_list_device(const ds_audit_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? kEmpty : row->device.c_str();
}

int64_t ds_audit_list_time_ms(const ds_audit_list* list, size_t i) {
  auto* row = Row(list, i);
  return row == nullptr ? 0 : row->time_ms;
}

}  // extern "C"
