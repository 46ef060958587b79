// SyncClient: enrollment, forms, conflicts, quarantine, and the entry point of a sync.
#include "doorstep/sync/client/sync_client.h"

#include <algorithm>
#include <cctype>

#include "sync_run.h"

namespace doorstep::sync::client {
namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string JoinLines(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += "\n";
    out += s;
  }
  return out;
}

// Closes the transport's idle connection when a public call returns.
class CloseWhenDone {
 public:
  explicit CloseWhenDone(HttpTransport& transport) : transport_(transport) {}
  ~CloseWhenDone() { transport_.CloseIdle(); }
  CloseWhenDone(const CloseWhenDone&) = delete;
  CloseWhenDone& operator=(const CloseWhenDone&) = delete;

 private:
  HttpTransport& transport_;
};

}  // namespace

void LogTo(Logger* logger, LogLevel level, const std::string& message) {
  if (logger != nullptr) logger->Log(level, "sync: " + message);
}

const char* SyncPhaseName(SyncPhase phase) {
  switch (phase) {
    case SyncPhase::kForms:
      return "forms";
    case SyncPhase::kPush:
      return "push";
    case SyncPhase::kPull:
      return "pull";
    case SyncPhase::kChecksum:
      return "checksum";
    case SyncPhase::kAttachments:
      return "attachments";
    case SyncPhase::kDone:
      return "done";
  }
  return "?";
}

bool SyncResult::checksums_match() const {
  return checksums_verified && std::all_of(checksums.begin(), checksums.end(),
                                           [](const ScopeCheck& c) { return c.match(); });
}

Result<std::string> NormalizeServerUrl(const std::string& url) {
  std::string u = url;
  while (!u.empty() && std::isspace(static_cast<unsigned char>(u.back()))) u.pop_back();
  while (!u.empty() && std::isspace(static_cast<unsigned char>(u.front()))) u.erase(0, 1);
  if (u.empty()) return Status(Code::kInvalidArgument, "empty server URL", "server");
  const size_t scheme = u.find("://");
  if (scheme == std::string::npos) {
    u = "http://" + u;
  } else {
    std::string s = u.substr(0, scheme);
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s != "http" && s != "https") {
      return Status(Code::kInvalidArgument, "server URL must start with http:// or https://",
                    "server");
    }
    u = s + u.substr(scheme);
  }
  while (!u.empty() && u.back() == '/') u.pop_back();
  if (u.size() <= u.find("://") + 3 || u.find('?') != std::string::npos) {
    return Status(Code::kInvalidArgument, "server URL must be http://host[:port][/prefix]",
                  "server");
  }
  return u;
}

Result<Enrollment> ReadEnrollment(Store& store) {
  Enrollment e;
  DS_ASSIGN_OR_RETURN(e.server, store.GetSyncValue(kKeyServer));
  DS_ASSIGN_OR_RETURN(e.device_id, store.GetSyncValue(kKeyDeviceId));
  DS_ASSIGN_OR_RETURN(std::string credential, store.GetSyncValue(kKeyCredential));
  if (e.server.empty() || e.device_id.empty() || credential.empty()) {
    return Status(Code::kFailedPrecondition,
                  "this store is not enrolled with a township server (enroll it with a token "
                  "first)");
  }
  DS_ASSIGN_OR_RETURN(e.team, store.GetSyncValue(kKeyTeam));
  DS_ASSIGN_OR_RETURN(std::string villages, store.GetSyncValue(kKeyVillages));
  e.villages = SplitLines(villages);
  DS_ASSIGN_OR_RETURN(std::string reviewer, store.GetSyncValue(kKeyReviewer));
  e.reviewer = reviewer == "1";
  return e;
}

Result<std::unique_ptr<Rpc>> OpenRpc(Store& store, HttpTransport& transport,
                                     const std::string& server_override, Encoding encoding) {
  DS_ASSIGN_OR_RETURN(Enrollment e, ReadEnrollment(store));
  DS_ASSIGN_OR_RETURN(std::string credential, store.GetSyncValue(kKeyCredential));
  std::string server = e.server;
  if (!server_override.empty()) {
    DS_ASSIGN_OR_RETURN(server, NormalizeServerUrl(server_override));
  }
  return std::make_unique<Rpc>(transport, server, credential, encoding);
}

Result<ScopeChange> ApplyScope(Store& store, const v1::DeviceScope& scope) {
  ScopeChange change;
  change.villages.assign(scope.villages().begin(), scope.villages().end());
  change.reviewer = scope.reviewer();
  for (const auto& v : change.villages) {
    if (v.empty() || v.find('\n') != std::string::npos) {
      return Status(Code::kCorruption, "GET /v1/forms: a village name is empty or not one line",
                    "device.villages");
    }
  }
  DS_ASSIGN_OR_RETURN(std::string villages_text, store.GetSyncValue(kKeyVillages));
  DS_ASSIGN_OR_RETURN(std::string reviewer_text, store.GetSyncValue(kKeyReviewer));
  DS_ASSIGN_OR_RETURN(std::string team, store.GetSyncValue(kKeyTeam));
  const std::vector<std::string> old = SplitLines(villages_text);
  const bool old_reviewer = reviewer_text == "1";
  const std::set<std::string> old_set(old.begin(), old.end());
  const std::set<std::string> new_set(change.villages.begin(), change.villages.end());
  if (old_set == new_set && old_reviewer == change.reviewer && team == scope.team()) {
    return change;
  }
  change.changed = true;
  // A reviewer pulls every village whatever its list (the server's rule): nothing to purge.
  const bool all_now = change.reviewer;
  const bool all_before = old_reviewer;
  change.gained = (all_now && !all_before) ||
                  std::any_of(new_set.begin(), new_set.end(),
                              [&](const std::string& v) { return old_set.count(v) == 0; });
  if (change.gained) {
    // The gained village may hold records this device wrote and purged before (it held the
    // village once): they come back only if the pull does not leave out its own writes.
    DS_RETURN_IF_ERROR(store.SetSyncValue(kKeyPullWhole, "1"));
    DS_RETURN_IF_ERROR(store.SetSyncValue(kKeyCursor, "0"));
  }
  if (!all_now) {
    DS_ASSIGN_OR_RETURN(change.purged, store.PurgeOutOfScope(change.villages));
  }
  DS_RETURN_IF_ERROR(store.SetSyncValue(kKeyTeam, scope.team()));
  DS_RETURN_IF_ERROR(store.SetSyncValue(kKeyReviewer, change.reviewer ? "1" : "0"));
  DS_RETURN_IF_ERROR(store.SetSyncValue(kKeyVillages, JoinLines(scope.villages())));
  return change;
}

Result<size_t> InstallServerForms(Store& store, Rpc& rpc, CallStats* stats, bool conditional,
                                  ScopeChange* scope) {
  CallStats local;
  if (stats == nullptr) stats = &local;
  std::string etag;
  if (conditional) {
    DS_ASSIGN_OR_RETURN(etag, store.GetSyncValue(kKeyFormsEtag));
  }
  v1::FormList list;
  bool not_modified = false;
  DS_RETURN_IF_ERROR(rpc.GetIfNoneMatch("/v1/forms", etag, &list, &not_modified, stats));
  if (not_modified) return size_t{0};  // the forms installed here are the server's
  DS_ASSIGN_OR_RETURN(auto before, store.ListForms());
  size_t added = 0;
  for (const auto& def : list.forms()) {
    const bool known = std::any_of(before.begin(), before.end(), [&](const FormSummary& f) {
      return f.form_id == def.form_id() && f.version == def.version();
    });
    Status installed = store.InstallForm(def);
    if (!installed.ok()) {
      return Status(installed.code(),
                    "form " + def.form_id() + "@" + def.version() +
                        " from the server: " + installed.message(),
                    installed.where());
    }
    if (!known) ++added;
  }
  if (list.has_device()) {
    if (scope == nullptr) {
      // Forms fetched again in the middle of a pull (a page named an unknown form version): a
      // new scope now would move the cursor under the pull. The pack is installed, but the
      // answer is not remembered, so the next sync's forms step fetches it again and applies
      // the scope before anything else.
      return added;
    }
    DS_ASSIGN_OR_RETURN(*scope, ApplyScope(store, list.device()));
  }
  // Remembered only once every form is installed: a failure above fetches them whole next time.
  std::string answer_etag;
  for (const auto& [name, value] : stats->headers) {
    if (name == "etag") answer_etag = value;
  }
  DS_RETURN_IF_ERROR(store.SetSyncValue(kKeyFormsEtag, answer_etag));
  return added;
}

SyncClient::SyncClient(Store& store, HttpTransport& transport, Logger* logger)
    : store_(store), transport_(transport), logger_(logger) {}

Result<Enrollment> SyncClient::Enroll(const std::string& server_url, const std::string& token,
                                      const std::string& device_name) {
  CloseWhenDone close(transport_);
  DS_ASSIGN_OR_RETURN(std::string server, NormalizeServerUrl(server_url));
  if (token.empty()) return Status(Code::kInvalidArgument, "empty enrollment token", "token");
  DS_ASSIGN_OR_RETURN(std::string enrolled_with, store_.GetSyncValue(kKeyServer));
  if (!enrolled_with.empty() && enrolled_with != server) {
    return Status(Code::kFailedPrecondition,
                  "this store is enrolled with " + enrolled_with +
                      "; a store syncs with one server (use a new store for " + server + ")");
  }
  Rpc anonymous(transport_, server, /*credential=*/{});
  v1::EnrollRequest request;
  request.set_token(token);
  request.set_device_name(device_name);
  v1::EnrollResponse answer;
  DS_RETURN_IF_ERROR(anonymous.Post("/v1/enroll", request, &answer));
  if (answer.device_id().empty() || answer.credential().empty()) {
    return Status(Code::kCorruption, "POST /v1/enroll: answer without device id or credential");
  }
  // The server URL goes last: a store is enrolled once all of it is stored.
  DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyDeviceId, answer.device_id()));
  DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyCredential, answer.credential()));
  DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyTeam, answer.team()));
  DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyVillages, JoinLines(answer.villages())));
  DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyReviewer, answer.reviewer() ? "1" : "0"));
  DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyBatchSeq, "1"));  // numbers are per device id
  DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyInflight, ""));
  DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyCursor, "0"));  // villages may differ: pull all
  DS_RETURN_IF_ERROR(store_.SetSyncValue(kKeyServer, server));
  LogTo(logger_, LogLevel::kInfo,
        "enrolled as device " + answer.device_id() + " with " + server + " (" +
            std::to_string(answer.villages_size()) + " villages)");

  Enrollment e;
  e.server = server;
  e.device_id = answer.device_id();
  e.team = answer.team();
  e.villages.assign(answer.villages().begin(), answer.villages().end());
  e.reviewer = answer.reviewer();
  Rpc rpc(transport_, server, answer.credential());
  ScopeChange unchanged;  // the scope just stored: nothing to change
  auto forms = InstallServerForms(store_, rpc, nullptr, true, &unchanged);
  if (!forms.ok()) {
    return Status(forms.status().code(),
                  "enrolled as device " + e.device_id +
                      ", but the forms could not be installed (the next sync retries): " +
                      forms.status().message(),
                  forms.status().where());
  }
  e.forms_installed = *forms;
  return e;
}

SyncResult SyncClient::Sync(const SyncOptions& options, const ProgressFn& progress,
                            const std::atomic<bool>* cancel) {
  CloseWhenDone close(transport_);
  Run run(*this, options, progress, cancel);
  return run.Execute();
}

Result<size_t> SyncClient::RefreshForms(const std::atomic<bool>* cancel) {
  CloseWhenDone close(transport_);
  DS_ASSIGN_OR_RETURN(auto rpc, OpenRpc(store_, transport_));
  rpc->set_cancel(cancel);
  ScopeChange scope;
  return InstallServerForms(store_, *rpc, nullptr, true, &scope);
}

Result<std::vector<ScopeCheck>> SyncClient::CompareChecksums(const std::atomic<bool>* cancel) {
  CloseWhenDone close(transport_);
  DS_ASSIGN_OR_RETURN(Enrollment e, ReadEnrollment(store_));
  DS_ASSIGN_OR_RETURN(auto rpc, OpenRpc(store_, transport_));
  rpc->set_cancel(cancel);
  return CompareWithServer(store_, *rpc, e.villages, e.reviewer);
}

Result<v1::ConflictList> SyncClient::ListConflicts(bool all) {
  CloseWhenDone close(transport_);
  DS_ASSIGN_OR_RETURN(auto rpc, OpenRpc(store_, transport_));
  v1::ConflictList list;
  DS_RETURN_IF_ERROR(rpc->Get(all ? "/v1/conflicts?open=0" : "/v1/conflicts?open=1", &list));
  return list;
}

Result<v1::Conflict> SyncClient::Resolve(int64_t conflict_id, uint32_t candidate,
                                         const std::string& note) {
  CloseWhenDone close(transport_);
  DS_ASSIGN_OR_RETURN(auto rpc, OpenRpc(store_, transport_));
  v1::ResolveRequest request;
  request.set_candidate(candidate);
  request.set_note(note);
  v1::Conflict resolved;
  DS_RETURN_IF_ERROR(
      rpc->Post("/v1/conflicts/" + std::to_string(conflict_id) + "/resolve", request, &resolved));
  LogTo(logger_, LogLevel::kInfo,
        "conflict " + std::to_string(conflict_id) + " resolved with candidate " +
            std::to_string(candidate));
  return resolved;
}

Result<v1::QuarantineList> SyncClient::ListQuarantine() {
  CloseWhenDone close(transport_);
  DS_ASSIGN_OR_RETURN(auto rpc, OpenRpc(store_, transport_));
  v1::QuarantineList list;
  DS_RETURN_IF_ERROR(rpc->Get("/v1/quarantine", &list));
  return list;
}

}  // namespace doorstep::sync::client
