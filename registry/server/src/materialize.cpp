// The server's records as a reviewer's tablet would hold them. See doorstep/registry/server.h.

#include "doorstep/registry/server.h"

namespace doorstep::registry {

using sync::server::FieldRow;
using sync::server::PullQuery;
using sync::server::PullRows;
using sync::server::RecordRow;

Result<std::unique_ptr<Store>> MaterializeRecords(SyncService& service,
                                                  const std::vector<std::string>& villages,
                                                  Clock* clock, Random* random) {
  StoreOptions so;
  so.path = ":memory:";
  so.clock = clock;
  so.random = random;
  so.durability = Durability::kOff;
  DS_ASSIGN_OR_RETURN(auto store, Store::Open(so));
  DS_RETURN_IF_ERROR(store->SetAuthor(Author{"township-office", "doorstep-server"}));
  DS_ASSIGN_OR_RETURN(auto forms, service.store().ListForms());
  for (const v1::FormDef& def : forms) DS_RETURN_IF_ERROR(store->InstallForm(def));
  PullQuery query;
  query.all_scopes = villages.empty();
  query.scopes = villages;
  query.limit = 5000;
  for (;;) {
    DS_ASSIGN_OR_RETURN(PullRows rows, service.store().Pull(query));
    std::vector<RemoteRecord> records;
    records.reserve(rows.records.size());
    for (const RecordRow& r : rows.records) records.push_back({r.id, r.form_id, r.form_version});
    std::vector<RemoteChange> changes;
    changes.reserve(rows.fields.size());
    int64_t cursor = query.cursor;
    for (FieldRow& f : rows.fields) {
      RemoteChange c;
      c.record_id = f.record_id;
      c.path = std::move(f.path);
      if (!f.cleared) c.value = std::move(f.value);
      c.version = f.version;
      c.hlc = f.hlc;
      c.author = std::move(f.author);
      cursor = std::max(cursor, f.version);
      changes.push_back(std::move(c));
    }
    DS_RETURN_IF_ERROR(store->ApplyPulled(records, changes, cursor).status());
    if (!rows.more || cursor == query.cursor) break;
    query.cursor = cursor;
  }
  return store;
}

}  // namespace doorstep::registry
