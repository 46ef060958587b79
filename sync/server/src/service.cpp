// SyncService: enrollment, authentication, forms, pull, checksums and listings. Push is in
// push.cpp, resolution in records.cpp.
#include "doorstep/sync/server/service.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "doorstep/core/sha256.h"
#include "doorstep/core/text_check.h"
#include "doorstep/core/uuid.h"
#include "doorstep/sync/checksum.h"
#include "doorstep/sync/wire.h"
#include "service_internal.h"

namespace doorstep::sync::server {

bool DeviceInfo::InScope(const std::string& scope) const {
  if (reviewer) return true;
  return std::find(villages.begin(), villages.end(), scope) != villages.end();
}

DeviceInfo DeviceInfo::Admin() {
  DeviceInfo d;
  d.device_id = "doorstep-server";
  d.team = "township office";
  d.reviewer = true;
  return d;
}

SyncService::SyncService(ServerStore* store, ServiceOptions options)
    : store_(store), options_(options) {}

void SyncService::Log(LogLevel level, const std::string& message) {
  if (options_.logger != nullptr) options_.logger->Log(level, message);
}

Result<std::string> SyncService::RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  DS_RETURN_IF_ERROR(options_.random->Fill(reinterpret_cast<uint8_t*>(raw.data()), raw.size()));
  return ToHex(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
}

namespace {

// The villages of a token or a device: at least one unless a reviewer (who sees all), each a
// non-empty single line of valid UTF-8 without control characters, none twice.
Status CheckVillages(const std::vector<std::string>& villages, bool reviewer) {
  if (villages.empty() && !reviewer) {
    return Status(Code::kInvalidArgument, "at least one village is required", "villages");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < villages.size(); ++i) {
    const std::string& v = villages[i];
    const std::string where = "villages[" + std::to_string(i) + "]";
    if (v.empty() || v.size() > 256) {
      return Status(Code::kInvalidArgument, "a village name must be 1 to 256 bytes", where);
    }
    DS_RETURN_IF_ERROR(CheckText(v, where, "village name", /*allow_newlines=*/false));
    if (!seen.insert(v).second) {
      return Status(Code::kInvalidArgument, "a village is listed twice", where);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<EnrollmentToken> SyncService::CreateEnrollmentToken(const std::string& team,
                                                           const std::vector<std::string>& villages,
                                                           bool reviewer) {
  if (team.empty()) return Status(Code::kInvalidArgument, "a team name is required", "team");
  DS_RETURN_IF_ERROR(CheckVillages(villages, reviewer));
  DS_ASSIGN_OR_RETURN(std::string token_text, RandomHex(16));
  EnrollmentToken token{std::move(token_text), team, villages, reviewer};
  const int64_t now = clock().NowMs();
  auto done = internal::RunTxn<bool>(*store_, options_.max_attempts, [&](ServerTxn& txn) -> Result<bool> {
    TokenRow row;
    row.token_sha256 = Sha256Of(token.token);
    row.team = team;
    row.villages = villages;
    row.reviewer = reviewer;
    row.created_ms = now;
    DS_RETURN_IF_ERROR(txn.PutToken(row));
    return true;
  });
  if (!done.ok()) return done.status();
  Log(LogLevel::kInfo, "enrollment token created for team " + team);
  return token;
}

Result<size_t> SyncService::InstallForms(const std::vector<v1::FormDef>& defs) {
  std::vector<std::shared_ptr<const CompiledForm>> compiled;
  for (const auto& def : defs) {
    DS_ASSIGN_OR_RETURN(auto form, CompiledForm::Compile(def));
    const std::string& scope_field = form->def().scope_field();
    if (!scope_field.empty()) {
      const FieldInfo* fi = form->Find(scope_field);
      if (fi == nullptr || !fi->repeats.empty()) {
        return Status(Code::kInvalidArgument,
                      "scope_field '" + scope_field + "' is not a field outside any repeat",
                      form->key());
      }
    }
    compiled.push_back(std::move(form));
  }
  const int64_t now = clock().NowMs();
  return internal::RunTxn<size_t>(*store_, options_.max_attempts, [&](ServerTxn& txn) -> Result<size_t> {
    size_t added = 0;
    for (const auto& form : compiled) {
      DS_ASSIGN_OR_RETURN(auto existing, txn.GetForm(form->form_id(), form->version()));
      if (existing) {
        if (!google::protobuf::util::MessageDifferencer::Equals(*existing, form->def())) {
          return Status(Code::kAlreadyExists,
                        "a different definition of this form version is installed", form->key());
        }
        continue;
      }
      DS_RETURN_IF_ERROR(txn.PutForm(form->def(), now));
      ++added;
    }
    return added;
  });
}

Result<std::shared_ptr<const CompiledForm>> SyncService::Form(const std::string& form_id,
                                                              const std::string& version,
                                                              ServerTxn* txn) {
  const std::string key = form_id + "@" + version;
  {
    std::lock_guard<std::mutex> lock(forms_mu_);
    auto it = forms_.find(key);
    if (it != forms_.end()) return it->second;
  }
  DS_ASSIGN_OR_RETURN(auto def, txn != nullptr ? txn->GetForm(form_id, version)
                                                : store_->GetForm(form_id, version));
  if (!def) return std::shared_ptr<const CompiledForm>();
  DS_ASSIGN_OR_RETURN(auto form, CompiledForm::Compile(std::move(*def)));
  std::lock_guard<std::mutex> lock(forms_mu_);
  forms_.emplace(key, form);  // installed forms never change, so a racing insert is identical
  return form;
}

Result<v1::EnrollResponse> SyncService::Enroll(const v1::EnrollRequest& request) {
  if (request.token().empty()) return Status(Code::kNotFound, "no enrollment token given", "token");
  const Digest token_sha = Sha256Of(request.token());
  const int64_t now = clock().NowMs();
  auto response = internal::RunTxn<v1::EnrollResponse>(
      *store_, options_.max_attempts, [&](ServerTxn& txn) -> Result<v1::EnrollResponse> {
        DS_ASSIGN_OR_RETURN(auto token, txn.GetToken(token_sha));
        if (!token || !token->used_by.empty()) {
          return Status(Code::kNotFound, "unknown or already used enrollment token", "token");
        }
        if (now - token->created_ms > options_.token_valid_ms) {
          return Status(Code::kNotFound,
                        "this enrollment token has expired (tokens are valid " +
                            std::to_string(options_.token_valid_ms / 86400000) +
                            " days); ask the township office for a new one",
                        "token");
        }
        DeviceRow device;
        DS_ASSIGN_OR_RETURN(Uuid device_uuid, Uuid::Generate(*options_.random));
        device.device_id = device_uuid.ToString();
        device.name = request.device_name();
        if (device.name.size() > 200) {
          size_t cut = 200;  // on a UTF-8 character boundary
          while (cut > 0 && (static_cast<unsigned char>(device.name[cut]) & 0xC0) == 0x80) --cut;
          device.name.resize(cut);
        }
        device.team = token->team;
        device.villages = token->villages;
        device.reviewer = token->reviewer;
        DS_ASSIGN_OR_RETURN(std::string credential, RandomHex(32));
        device.credential_sha256 = Sha256Of(credential);
        device.enrolled_ms = now;
        DS_RETURN_IF_ERROR(txn.PutDevice(device));
        token->used_by = device.device_id;
        token->used_ms = now;
        DS_RETURN_IF_ERROR(txn.PutToken(*token));
        v1::EnrollResponse r;
        r.set_device_id(device.device_id);
        r.set_credential(credential);
        r.set_team(device.team);
        for (const auto& v : device.villages) r.add_villages(v);
        r.set_reviewer(device.reviewer);
        return r;
      });
  if (response.ok()) {
    Log(LogLevel::kInfo, "device " + response->device_id() + " enrolled for team " + response->team());
  }
  return response;
}

Result<DeviceRow> SyncService::RevokeDevice(const std::string& device_id) {
  auto revoked = internal::RunTxn<DeviceRow>(
      *store_, options_.max_attempts, [&](ServerTxn& txn) -> Result<DeviceRow> {
        DS_ASSIGN_OR_RETURN(auto row, txn.GetDevice(device_id));
        if (!row) return Status(Code::kNotFound, "no such device", device_id);
        row->credential_sha256 = Digest{};
        DS_RETURN_IF_ERROR(txn.PutDevice(*row));
        return *row;
      });
  if (revoked.ok()) Log(LogLevel::kWarning, "device " + device_id + " revoked");
  return revoked;
}

Result<DeviceRow> SyncService::RescopeDevice(const std::string& device_id,
                                             const std::vector<std::string>& villages) {
  auto rescoped = internal::RunTxn<DeviceRow>(
      *store_, options_.max_attempts, [&](ServerTxn& txn) -> Result<DeviceRow> {
        DS_ASSIGN_OR_RETURN(auto row, txn.GetDevice(device_id));
        if (!row) return Status(Code::kNotFound, "no such device", device_id);
        if (row->revoked()) {
          return Status(Code::kFailedPrecondition,
                        "the device is revoked; enroll the tablet again with a new token",
                        device_id);
        }
        DS_RETURN_IF_ERROR(CheckVillages(villages, row->reviewer));
        row->villages = villages;
        DS_RETURN_IF_ERROR(txn.PutDevice(*row));
        return *row;
      });
  if (rescoped.ok()) {
    Log(LogLevel::kInfo, "device " + device_id + " now holds " +
                             std::to_string(villages.size()) + " villages");
  }
  return rescoped;
}

Result<DeviceInfo> SyncService::Authenticate(std::string_view credential) {
  if (credential.empty()) return Status(Code::kNotFound, "no credential given");
  DS_ASSIGN_OR_RETURN(auto row, store_->FindDeviceByCredential(Sha256Of(credential)));
  if (!row) return Status(Code::kNotFound, "unknown credential");
  DeviceInfo d;
  d.device_id = row->device_id;
  d.name = row->name;
  d.team = row->team;
  d.villages = row->villages;
  d.reviewer = row->reviewer;
  return d;
}

Result<v1::FormList> SyncService::Forms(const DeviceInfo& device) {
  DS_ASSIGN_OR_RETURN(auto defs, store_->ListForms());
  v1::FormList list;
  for (auto& d : defs) *list.add_forms() = std::move(d);
  v1::DeviceScope* scope = list.mutable_device();
  scope->set_team(device.team);
  for (const auto& v : device.villages) scope->add_villages(v);
  scope->set_reviewer(device.reviewer);
  return list;
}

namespace {


void AddPulledChange(const FieldRow& f, Interner* interner, v1::PullPage* page) {
  v1::FieldChange* c = page->add_changes();
  c->set_record_id(std::string(f.record_id.AsBytes()));
  c->set_path_index(interner->Path(f.path, page->mutable_paths()));
  if (f.cleared) {
    c->set_cleared(true);
  } else {
    *c->mutable_value() = f.value;
  }
  c->set_version(f.version);
  c->set_hlc(f.hlc);
  c->set_author_index(interner->AuthorIndex(f.author, page->mutable_authors()));
}

}  // namespace

Result<v1::PullPage> SyncService::Pull(const DeviceInfo& device, const v1::PullRequest& request) {
  if (request.cursor() < 0) {
    return Status(Code::kInvalidArgument, "cursor must not be negative", "cursor");
  }
  PullQuery q;
  q.all_scopes = device.reviewer;
  q.scopes = device.villages;
  q.cursor = request.cursor();
  q.limit = request.page_size() == 0 ? options_.default_page
                                     : std::min(request.page_size(), options_.max_page);
  // A device that asks for it does not get back the values its pushes wrote as sent: it holds
  // exactly those versions already (the push answers gave them). Values the server wrote itself
  // (a move to another village, a record kept alive, a resolution) come back. The store leaves
  // the rows out in its query and says how far it looked, so the cursor moves past them: a
  // device's own initial push costs one pull request.
  const bool skip_own = request.skip_own_writes() && !device.device_id.empty();
  if (skip_own) q.skip_pushed_by = device.device_id;
  DS_ASSIGN_OR_RETURN(PullRows rows, store_->Pull(q));
  v1::PullPage page;
  if (!rows.more && request.cursor() > rows.head) {
    // Nothing was ever written at this cursor: answering an empty page would leave the device
    // skipping every version up to it for good. Start it again from 0 (applying known versions
    // again changes nothing on the tablet).
    Log(LogLevel::kWarning, "device " + device.device_id + " pulled from cursor " +
                                std::to_string(request.cursor()) + " beyond the last version " +
                                std::to_string(rows.head) + "; its pull starts again from 0");
    const int64_t head = rows.head;
    q.cursor = 0;
    DS_ASSIGN_OR_RETURN(rows, store_->Pull(q));
    page.set_cursor_reset(true);
    page.set_head(head);
  }
  Interner interner;
  size_t bytes = 0;
  size_t sent = 0;
  for (const auto& f : rows.fields) {
    // ~40 bytes of record id, version, HLC and indexes besides the value and the path.
    const size_t size = (f.cleared ? 0 : f.value.ByteSizeLong()) + f.path.size() + 40;
    if (sent > 0 && bytes + size > options_.page_bytes) break;
    bytes += size;
    AddPulledChange(f, &interner, &page);
    ++sent;
  }
  if (sent < rows.fields.size()) {  // cut by bytes: the rest comes with the next page
    rows.more = true;
    rows.fields.resize(sent);
    std::set<RecordId> kept;
    for (const auto& f : rows.fields) kept.insert(f.record_id);
    rows.records.erase(std::remove_if(rows.records.begin(), rows.records.end(),
                                      [&](const RecordRow& r) { return kept.count(r.id) == 0; }),
                       rows.records.end());
    rows.scanned_to = rows.fields.back().version;
  }
  for (const auto& r : rows.records) {
    v1::RecordHeader* h = page.add_records();
    h->set_record_id(std::string(r.id.AsBytes()));
    h->set_form_id(r.form_id);
    h->set_form_version(r.form_version);
    h->set_scope(r.scope);
  }
  int64_t next = rows.fields.empty() ? q.cursor : rows.fields.back().version;
  if (skip_own) next = std::max(next, rows.scanned_to);
  page.set_next_cursor(next);
  page.set_more(rows.more);
  if (!rows.more && request.want_checksums()) {
    DS_ASSIGN_OR_RETURN(v1::ChecksumResponse sums, Checksums(device, v1::ChecksumRequest{}));
    *page.mutable_checksums() = std::move(*sums.mutable_scopes());
  }
  return page;
}

Result<v1::ChecksumResponse> SyncService::Checksums(const DeviceInfo& device,
                                                    const v1::ChecksumRequest& request) {
  std::vector<std::string> scopes(request.scopes().begin(), request.scopes().end());
  if (scopes.empty()) {
    if (device.reviewer) {
      DS_ASSIGN_OR_RETURN(scopes, store_->ListScopes());
    } else {
      scopes = device.villages;
    }
  }
  for (size_t i = 0; i < scopes.size(); ++i) {
    if (!device.InScope(scopes[i])) {
      return Status(Code::kPermissionDenied, "scope is not one of this device's villages",
                    "scopes[" + std::to_string(i) + "]");
    }
  }
  v1::ChecksumResponse response;
  std::set<std::string> done;
  for (const auto& scope : scopes) {
    if (!done.insert(scope).second) continue;
    ChecksumBuilder builder;
    DS_RETURN_IF_ERROR(store_->ForEachLiveField(
        scope, [&](const FieldRow& f) { builder.Add(f.record_id, f.path, f.value); }));
    v1::ScopeChecksum* s = response.add_scopes();
    s->set_scope(scope);
    s->set_fields(builder.fields());
    Digest d = builder.Finish();
    s->set_sha256(std::string(reinterpret_cast<const char*>(d.data()), d.size()));
  }
  return response;
}

Result<v1::ConflictList> SyncService::Conflicts(const DeviceInfo& device, bool open_only) {
  ConflictQuery q;
  q.all_scopes = device.reviewer;
  q.scopes = device.villages;
  q.open_only = open_only;
  DS_ASSIGN_OR_RETURN(auto conflicts, store_->ListConflicts(q));
  v1::ConflictList list;
  for (auto& c : conflicts) *list.add_conflicts() = std::move(c);
  return list;
}

Result<v1::QuarantineList> SyncService::Quarantine(const DeviceInfo& reviewer) {
  if (!reviewer.reviewer) {
    return Status(Code::kPermissionDenied, "only a reviewer can read the quarantine");
  }
  DS_ASSIGN_OR_RETURN(auto rows, store_->ListQuarantine());
  v1::QuarantineList list;
  for (auto& q : rows) *list.add_entries() = std::move(q.entry);
  return list;
}

}  // namespace doorstep::sync::server
