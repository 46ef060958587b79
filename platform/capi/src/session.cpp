// The C ABI over doorstep::FormSession: sessions, edits, navigation, repeat instances,
// signatures, validation and finalize, photos. The question and change lists' accessors are in
// question_list.cpp.
#include <limits>

#include "doorstep/core/signature.h"
#include "doorstep/core/value_text.h"
#include "internal.h"

namespace doorstep::capi {
namespace {

Status NoSession(const char* function) { return NullArgument(function, "session"); }

// Checks the session handle (and that its store is still open).
#define DS_CAPI_SESSION(function)                                   \
  do {                                                              \
    if (session == nullptr || session->session == nullptr) return NoSession(function); \
  } while (false)

std::string Language(const char* language) {
  return language == nullptr || *language == '\0' ? std::string("zh") : std::string(language);
}

// Hands the edit's change list to the caller when it asked for one.
Status Deliver(Result<EditOutcome> outcome, ds_change_list** changes) {
  if (!outcome.ok()) return outcome.status();
  if (changes != nullptr) {
    auto list = std::make_unique<ds_change_list>();
    list->changes = std::move(outcome->changes);
    list->instance_path = std::move(outcome->instance_path);
    *changes = list.release();
  }
  return Status::Ok();
}

void ZeroChanges(ds_change_list** changes) {
  if (changes != nullptr) *changes = nullptr;
}

Result<StrokeList> Strokes(const ds_point* points, size_t count) {
  StrokeList strokes;
  for (size_t i = 0; i < count; ++i) {
    const ds_point& p = points[i];
    if (strokes.empty() ? p.stroke != 0
                        : p.stroke != strokes.size() - 1 && p.stroke != strokes.size()) {
      return Status(Code::kInvalidArgument,
                    "strokes must be numbered from 0, in order, each stroke's points together",
                    "points[" + std::to_string(i) + "].stroke");
    }
    if (p.stroke == strokes.size()) strokes.emplace_back();
    StrokePoint sp;
    sp.x = p.x;
    sp.y = p.y;
    sp.t_ms = p.t_ms;
    if (p.pressure >= 0) {
      if (p.pressure > 1000) {
        return Status(Code::kInvalidArgument, "pressure is 0..1000, or -1 for none",
                      "points[" + std::to_string(i) + "].pressure");
      }
      sp.pressure = static_cast<uint16_t>(p.pressure);
    } else if (p.pressure != -1) {
      return Status(Code::kInvalidArgument, "pressure is 0..1000, or -1 for none",
                    "points[" + std::to_string(i) + "].pressure");
    }
    strokes.back().push_back(sp);
  }
  return strokes;
}

}  // namespace
}  // namespace doorstep::capi

using namespace doorstep;
using namespace doorstep::capi;

extern "C" {

ds_status ds_session_open(ds_store* store, const char* record_id, const char* language,
                          ds_session** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_session_open", [&]() -> Status {
    DS_CAPI_REQUIRE("ds_session_open", store);
    DS_CAPI_REQUIRE("ds_session_open", record_id);
    DS_CAPI_REQUIRE("ds_session_open", out);
    if (store->closed) {
      return Status(Code::kFailedPrecondition, "ds_session_open: the store is closed", "store");
    }
    auto id = Uuid::Parse(record_id);
    if (!id.ok()) return Status(Code::kInvalidArgument, "not a record id (a UUID)", "record_id");
    DS_ASSIGN_OR_RETURN(auto opened, FormSession::Open(*store->store, *id, Language(language)));
    auto handle = std::make_unique<ds_session>();
    handle->store = store;
    handle->session = std::move(opened);
    ++store->sessions;
    *out = handle.release();
    return Status::Ok();
  });
}

void ds_session_close(ds_session* session) {
  GuardVoid("ds_session_close", [&] {
    if (session == nullptr) return;
    ds_store* store = session->store;
    session->session.reset();
    delete session;
    if (store != nullptr && --store->sessions == 0 && store->closed) delete store;
  });
}

ds_status ds_session_set_language(ds_session* session, const char* language) {
  return Boundary("ds_session_set_language", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_set_language");
    DS_CAPI_REQUIRE("ds_session_set_language", language);
    return session->session->SetLanguage(language);
  });
}

int ds_session_state(const ds_session* session) {
  return Guard("ds_session_state", 0, [&] {
    if (session == nullptr || session->session == nullptr) return 0;
    return session->session->state() == RecordState::kFinalized ? 1 : 0;
  });
}

// --- questions -------------------------------------------------------------------------------

ds_status ds_session_questions(ds_session* session, ds_question_list** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_session_questions", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_questions");
    DS_CAPI_REQUIRE("ds_session_questions", out);
    auto list = std::make_unique<ds_question_list>();
    const auto& questions = session->session->questions();
    list->rows.reserve(questions.size());
    for (const Question& q : questions) {
      ds_question_list::Row row;
      row.q = q;
      if (q.value) {
        row.value_text = FormatValueText(*q.value);
        row.value_bytes = q.value->SerializeAsString();
      }
      list->rows.push_back(std::move(row));
    }
    *out = list.release();
    return Status::Ok();
  });
}

// --- edits -----------------------------------------------------------------------------------

ds_status ds_session_set_text(ds_session* session, const char* path, const char* text,
                              ds_change_list** changes) {
  ZeroChanges(changes);
  return Boundary("ds_session_set_text", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_set_text");
    DS_CAPI_REQUIRE("ds_session_set_text", path);
    DS_CAPI_REQUIRE("ds_session_set_text", text);
    return Deliver(session->session->SetText(path, text), changes);
  });
}

ds_status ds_session_set_value(ds_session* session, const char* path, const uint8_t* value_bytes,
                               size_t len, ds_change_list** changes) {
  ZeroChanges(changes);
  return Boundary("ds_session_set_value", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_set_value");
    DS_CAPI_REQUIRE("ds_session_set_value", path);
    if (len > 0) DS_CAPI_REQUIRE("ds_session_set_value", value_bytes);
    if (len > static_cast<size_t>(std::numeric_limits<int>::max())) {
      return Status(Code::kResourceExhausted, "value too large", "len");
    }
    v1::Value value;
    if (!value.ParseFromArray(value_bytes, static_cast<int>(len))) {
      return Status(Code::kParse, "the bytes are not a serialized doorstep.v1.Value",
                    "value_bytes");
    }
    return Deliver(session->session->Set(path, value), changes);
  });
}

ds_status ds_session_clear(ds_session* session, const char* path, ds_change_list** changes) {
  ZeroChanges(changes);
  return Boundary("ds_session_clear", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_clear");
    DS_CAPI_REQUIRE("ds_session_clear", path);
    return Deliver(session->session->Clear(path), changes);
  });
}

ds_status ds_session_add_instance(ds_session* session, const char* repeat_path,
                                  ds_change_list** changes) {
  ZeroChanges(changes);
  return Boundary("ds_session_add_instance", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_add_instance");
    DS_CAPI_REQUIRE("ds_session_add_instance", repeat_path);
    return Deliver(session->session->AddInstance(repeat_path), changes);
  });
}

ds_status ds_session_remove_instance(ds_session* session, const char* instance_path,
                                     ds_change_list** changes) {
  ZeroChanges(changes);
  return Boundary("ds_session_remove_instance", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_remove_instance");
    DS_CAPI_REQUIRE("ds_session_remove_instance", instance_path);
    return Deliver(session->session->RemoveInstance(instance_path), changes);
  });
}

ds_status ds_session_refresh(ds_session* session, ds_change_list** changes) {
  ZeroChanges(changes);
  return Boundary("ds_session_refresh", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_refresh");
    return Deliver(session->session->Refresh(), changes);
  });
}

// --- navigation ------------------------------------------------------------------------------

ds_status ds_session_next(ds_session* session, const char* path, char** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_session_next", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_next");
    DS_CAPI_REQUIRE("ds_session_next", out);
    *out = CopyString(session->session->Next(Str(path)));
    return Status::Ok();
  });
}

ds_status ds_session_previous(ds_session* session, const char* path, char** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_session_previous", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_previous");
    DS_CAPI_REQUIRE("ds_session_previous", out);
    *out = CopyString(session->session->Previous(Str(path)));
    return Status::Ok();
  });
}

ds_status ds_session_first_error(ds_session* session, char** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_session_first_error", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_first_error");
    DS_CAPI_REQUIRE("ds_session_first_error", out);
    *out = CopyString(session->session->FirstError());
    return Status::Ok();
  });
}

ds_status ds_session_instances(ds_session* session, const char* repeat_path,
                               ds_instance_list** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_session_instances", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_instances");
    DS_CAPI_REQUIRE("ds_session_instances", repeat_path);
    DS_CAPI_REQUIRE("ds_session_instances", out);
    DS_ASSIGN_OR_RETURN(auto instances, session->session->Instances(repeat_path));
    auto list = std::make_unique<ds_instance_list>();
    list->instances = std::move(instances);
    *out = list.release();
    return Status::Ok();
  });
}

void ds_instance_list_free(ds_instance_list* list) { delete list; }

size_t ds_instance_list_count(const ds_instance_list* list) {
  return list == nullptr ? 0 : list->instances.size();
}

const char* ds_instance_list_path(const ds_instance_list* list, size_t i) {
  if (list == nullptr || i >= list->instances.size()) return kEmpty;
  return list->instances[i].path.c_str();
}

const char* ds_instance_list_label(const ds_instance_list* list, size_t i) {
  if (list == nullptr || i >= list->instances.size()) return kEmpty;
  return list->instances[i].label.c_str();
}

// --- signatures ------------------------------------------------------------------------------

ds_status ds_session_sign(ds_session* session, const char* path, const char* signer_name,
                          const char* proxy_signer_name, uint32_t canvas_width,
                          uint32_t canvas_height, const ds_point* points, size_t point_count,
                          ds_change_list** changes) {
  ZeroChanges(changes);
  return Boundary("ds_session_sign", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_sign");
    DS_CAPI_REQUIRE("ds_session_sign", path);
    DS_CAPI_REQUIRE("ds_session_sign", signer_name);
    if (point_count > 0) DS_CAPI_REQUIRE("ds_session_sign", points);
    SignatureInput input;
    input.signer_name = signer_name;
    input.proxy_signer_name = Str(proxy_signer_name);
    input.canvas_width = canvas_width;
    input.canvas_height = canvas_height;
    DS_ASSIGN_OR_RETURN(input.strokes, Strokes(points, point_count));
    return Deliver(session->session->Sign(path, input), changes);
  });
}

ds_status ds_session_signature_svg(ds_session* session, const char* path, char** svg_out) {
  if (svg_out != nullptr) *svg_out = nullptr;
  return Boundary("ds_session_signature_svg", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_signature_svg");
    DS_CAPI_REQUIRE("ds_session_signature_svg", path);
    DS_CAPI_REQUIRE("ds_session_signature_svg", svg_out);
    const Question* q = session->session->Find(path);
    if (q == nullptr) return Status(Code::kNotFound, "no such question", path);
    if (q->type != v1::SIGNATURE) {
      return Status(Code::kInvalidArgument, "not a signature question", q->path);
    }
    if (!q->value || q->value->kind_case() != v1::Value::kSignature) {
      return Status(Code::kNotFound, "not signed", q->path);
    }
    *svg_out = CopyString(RenderSvg(q->value->signature()));
    return Status::Ok();
  });
}

// --- validation and finalize -----------------------------------------------------------------

ds_status ds_session_validate(ds_session* session, ds_error_list** out) {
  if (out != nullptr) *out = nullptr;
  return Boundary("ds_session_validate", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_validate");
    DS_CAPI_REQUIRE("ds_session_validate", out);
    DS_ASSIGN_OR_RETURN(ValidationReport report, session->session->Validate());
    auto list = std::make_unique<ds_error_list>();
    list->errors = std::move(report.errors);
    *out = list.release();
    return Status::Ok();
  });
}

ds_status ds_session_finalize(ds_session* session, ds_error_list** errors,
                              ds_change_list** changes) {
  if (errors != nullptr) *errors = nullptr;
  ZeroChanges(changes);
  return Boundary("ds_session_finalize", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_finalize");
    EditOutcome outcome;
    DS_ASSIGN_OR_RETURN(ValidationReport report, session->session->Finalize(&outcome));
    const size_t n = report.errors.size();
    std::string first = n == 0 ? std::string() : report.errors.front().path;
    if (errors != nullptr) {
      auto list = std::make_unique<ds_error_list>();
      list->errors = std::move(report.errors);
      *errors = list.release();
    }
    if (n > 0) {
      return Status(Code::kValidation,
                    "the record has " + std::to_string(n) + " validation error(s); not finalized",
                    first);
    }
    return Deliver(std::move(outcome), changes);
  });
}

ds_status ds_session_reopen(ds_session* session, ds_change_list** changes) {
  ZeroChanges(changes);
  return Boundary("ds_session_reopen", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_reopen");
    return Deliver(session->session->Reopen(), changes);
  });
}

void ds_error_list_free(ds_error_list* list) { delete list; }

size_t ds_error_list_count(const ds_error_list* list) {
  return list == nullptr ? 0 : list->errors.size();
}

const char* ds_error_list_path(const ds_error_list* list, size_t i) {
  if (list == nullptr || i >= list->errors.size()) return kEmpty;
  return list->errors[i].path.c_str();
}

const char* ds_error_list_code(const ds_error_list* list, size_t i) {
  if (list == nullptr || i >= list->errors.size()) return kEmpty;
  return list->errors[i].code.c_str();
}

const char* ds_error_list_message(const ds_error_list* list, size_t i) {
  if (list == nullptr || i >= list->errors.size()) return kEmpty;
  return list->errors[i].message.c_str();
}

// --- photos ----------------------------------------------------------------------------------

ds_status ds_session_attach(ds_session* session, const char* path, const uint8_t* bytes,
                            size_t len, const char* media_type, const char* file_name,
                            ds_change_list** changes) {
  ZeroChanges(changes);
  return Boundary("ds_session_attach", [&]() -> Status {
    DS_CAPI_SESSION("ds_session_attach");
    DS_CAPI_REQUIRE("ds_session_attach", path);
    DS_CAPI_REQUIRE("ds_session_attach", bytes);
    DS_CAPI_REQUIRE("ds_session_attach", media_type);
    if (len > kMaxAttachmentBytes) {
      return Status(Code::kResourceExhausted, "an attachment is at most 20 MiB", "len");
    }
    std::string_view data(reinterpret_cast<const char*>(bytes), len);
    return Deliver(session->session->Attach(path, data, media_type, Str(file_name)), changes);
  });
}

}  // extern "C"
