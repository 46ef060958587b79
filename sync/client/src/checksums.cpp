// Per-village checksums: the store's synced fields through the shared ChecksumBuilder, compared
// with the server's answer to POST /v1/checksum.
#include <algorithm>
#include <map>

#include "doorstep/core/sha256.h"
#include "doorstep/sync/checksum.h"
#include "sync_run.h"

namespace doorstep::sync::client {

Result<std::vector<v1::ScopeChecksum>> LocalChecksums(Store& store,
                                                      const std::vector<std::string>& scopes) {
  // The store visits records in id order: each builder hashes a record as soon as the next one
  // starts, so memory is one record, not the village. Should that order ever not hold, the
  // checksums are built again the slow way.
  std::map<std::string, ChecksumBuilder> builders;
  for (bool in_order : {true, false}) {
    builders.clear();
    for (const auto& s : scopes) builders.emplace(s, ChecksumBuilder(in_order));
    DS_RETURN_IF_ERROR(store.ForEachSyncedField(scopes, [&](const SyncedField& f) {
      if (f.scope.empty() || f.value == nullptr) return;  // not synced until the village is known
      builders.try_emplace(f.scope, in_order).first->second.Add(f.record_id, f.path, *f.value);
    }));
    if (std::all_of(builders.begin(), builders.end(),
                    [](const auto& b) { return b.second.in_order(); })) {
      break;
    }
  }
  std::vector<v1::ScopeChecksum> out;
  for (auto& [scope, builder] : builders) {
    v1::ScopeChecksum c;
    c.set_scope(scope);
    c.set_fields(builder.fields());
    const Digest d = builder.Finish();
    c.set_sha256(std::string(reinterpret_cast<const char*>(d.data()), d.size()));
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<ScopeCheck>> CompareChecksums(
    Store& store, const std::vector<std::string>& villages, bool all,
    const google::protobuf::RepeatedPtrField<v1::ScopeChecksum>& server) {
  DS_ASSIGN_OR_RETURN(auto local,
                      LocalChecksums(store, all ? std::vector<std::string>{} : villages));
  std::map<std::string, ScopeCheck> checks;
  auto hex = [](const std::string& bytes) {
    return ToHex(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  };
  for (const auto& c : local) {
    ScopeCheck& check = checks[c.scope()];
    check.scope = c.scope();
    check.local_fields = c.fields();
    check.local_sha256 = hex(c.sha256());
  }
  for (const auto& c : server) {
    if (!all && checks.find(c.scope()) == checks.end()) continue;  // not asked for
    ScopeCheck& check = checks[c.scope()];
    check.scope = c.scope();
    check.server_fields = c.fields();
    check.server_sha256 = hex(c.sha256());
  }
  std::vector<ScopeCheck> out;
  for (auto& [scope, check] : checks) out.push_back(std::move(check));
  return out;
}

Result<std::vector<ScopeCheck>> CompareWithServer(Store& store, Rpc& rpc,
                                                  const std::vector<std::string>& villages,
                                                  bool all, CallStats* stats) {
  v1::ChecksumRequest request;
  if (!all) {
    for (const auto& v : villages) request.add_scopes(v);
  }
  v1::ChecksumResponse answer;
  DS_RETURN_IF_ERROR(rpc.Post("/v1/checksum", request, &answer, stats));
  return CompareChecksums(store, villages, all, answer.scopes());
}

bool SyncClient::Run::ChecksumWanted(int64_t cursor) const {
  return options_.verify_checksums &&
         (result_.changes_pushed > 0 || verified_cursor_ != std::to_string(cursor));
}

Status SyncClient::Run::Checksums(int64_t cursor) {
  SetPhase(SyncPhase::kChecksum);
  const bool all = enrollment_.reviewer && enrollment_.villages.empty();
  Result<std::vector<ScopeCheck>> checks = std::vector<ScopeCheck>{};
  if (final_page_checksums_) {
    // The last pull page carried the server's checksums (want_checksums): no request.
    checks = client::CompareChecksums(store_, enrollment_.villages, all, *final_page_checksums_);
  } else if (ChecksumWanted(cursor)) {
    CallStats stats;
    checks = CompareWithServer(store_, *rpc_, enrollment_.villages, all, &stats);
    Count(stats);
  } else {
    // Nothing pushed and the cursor where the last comparison matched: nothing to compare.
    result_.checksums_unchanged = true;
    return Status::Ok();
  }
  if (!checks.ok()) return checks.status();
  result_.checksums = std::move(checks).value();
  result_.checksums_verified = true;
  LogMismatches();
  return store_.SetSyncValue(kKeyVerifiedCursor,
                             result_.checksums_match() ? std::to_string(cursor) : "");
}

void SyncClient::Run::LogMismatches() {
  for (const auto& c : result_.checksums) {
    if (!c.match()) {
      LogTo(client_.logger_, LogLevel::kError,
            "checksum mismatch for village " + c.scope + ": " + std::to_string(c.local_fields) +
                " fields here, " + std::to_string(c.server_fields) + " on the server");
    }
  }
}

}  // namespace doorstep::sync::client
