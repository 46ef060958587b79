// The write buffer of PgServerStore's transaction (pg_writes.h).
#include "pg_writes.h"

#include <stdexcept>

namespace doorstep::sync::server::pg {
namespace {

// New records: a plain INSERT (a record created concurrently elsewhere is a unique violation).
const Sql kInsertRecords{"t_insert_records",
    "INSERT INTO record(id, form_id, form_version, scope, max_version, created_ms) "
    "SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::text[], $5::bigint[], "
    "$6::bigint[])"};
const Sql kUpdateRecords{"t_update_records",
    "UPDATE record r SET form_id = u.form_id, form_version = u.form_version, scope = u.scope, "
    "max_version = u.max_version FROM unnest($1::bytea[], $2::text[], $3::text[], $4::text[], "
    "$5::bigint[]) AS u(id, form_id, form_version, scope, max_version) WHERE r.id = u.id"};
// The burst of field writes: the rows they replace go to the history, in the same statement,
// superseded by the burst's first write of the field (`first_version`).
const Sql kWriteFields{"t_write_fields",
    "WITH n AS (SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::bytea[], "
    "$5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::text[]) "
    "AS n(record_id, path, scope, value, version, hlc, author, received_ms, first_version, "
    "pushed_by)), "
    "h AS (INSERT INTO field_history(record_id, path, version, value, hlc, author, received_ms, "
    "superseded_by) SELECT f.record_id, f.path, f.version, f.value, f.hlc, f.author, "
    "f.received_ms, n.first_version FROM field f JOIN n ON f.record_id = n.record_id "
    "AND f.path = n.path) "
    "INSERT INTO field(record_id, path, scope, value, version, hlc, author, received_ms, "
    "pushed_by) SELECT record_id, path, scope, value, version, hlc, author, received_ms, "
    "pushed_by FROM n "
    "ON CONFLICT (record_id, path) DO UPDATE SET scope = EXCLUDED.scope, value = EXCLUDED.value, "
    "version = EXCLUDED.version, hlc = EXCLUDED.hlc, author = EXCLUDED.author, "
    "received_ms = EXCLUDED.received_ms, pushed_by = EXCLUDED.pushed_by"};
// Fields with no row yet (ServerTxn::InsertField): no history, no upsert.
const Sql kInsertFields{"t_insert_fields",
    "INSERT INTO field(record_id, path, scope, value, version, hlc, author, received_ms, "
    "pushed_by) SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::bytea[], "
    "$5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::text[])"};
const Sql kWriteHistory{"t_write_history",
    "INSERT INTO field_history(record_id, path, version, value, hlc, author, received_ms, "
    "superseded_by) SELECT * FROM unnest($1::bytea[], $2::text[], $3::bigint[], $4::bytea[], "
    "$5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])"};

// Values are serialized v1::Value; a cleared field is NULL.
void AddValue(const FieldRow& row, ArrayText* values) {
  if (row.cleared) {
    values->Null();
  } else {
    values->Bytes(row.value.SerializeAsString());
  }
}

// HLCs are unsigned; bigint holds them bit for bit.
int64_t Hlc(const FieldRow& row) { return static_cast<int64_t>(row.hlc); }

// The array parameters of one field statement.
struct FieldColumns {
  ArrayText ids, paths, scopes, values, versions, hlcs, authors, received, pushers;
  size_t count = 0;
  void Add(const WriteBuffer::Field& p) {
    ids.Bytes(p.row.record_id.AsBytes());
    paths.Text(p.row.path);
    scopes.Text(p.row.scope);
    AddValue(p.row, &values);
    versions.Int(p.row.version);
    hlcs.Int(Hlc(p.row));
    authors.Int(p.author);
    received.Int(p.row.received_ms);
    pushers.Text(p.row.pushed_by);
    ++count;
  }
};

}  // namespace

void WriteBuffer::InsertRecord(const RecordRow& row) {
  auto [it, added] = record_index_.emplace(row.id, records_.size());
  if (added) {
    records_.push_back(Record{row, true});
  } else {
    records_[it->second] = Record{row, true};
  }
}

void WriteBuffer::UpdateRecord(const RecordRow& row) {
  auto [it, added] = record_index_.emplace(row.id, records_.size());
  if (added) {
    records_.push_back(Record{row, false});
  } else {
    records_[it->second].row = row;  // still an insert if the record is new
  }
}

void WriteBuffer::AddField(const FieldRow& row, int64_t author, bool absent) {
  auto key = std::make_pair(row.record_id, row.path);
  auto it = field_index_.find(key);
  if (it == field_index_.end()) {
    field_index_.emplace(std::move(key), fields_.size());
    fields_.push_back(Field{row, author, row.version, 0, absent});
    return;
  }
  Field& current = fields_[it->second];
  Field old = current;
  old.superseded_by = row.version;
  history_.push_back(std::move(old));
  current = Field{row, author, current.first_version, 0, current.absent};
}

void WriteBuffer::Flush(Lease& lease, pqxx::transaction_base& tx) {
  if (records_.empty() && fields_.empty()) return;
  // Taken out first: if a statement fails the transaction is dead anyway, and nothing may be
  // sent twice.
  std::vector<Record> records = std::move(records_);
  std::vector<Field> fields = std::move(fields_);
  std::vector<Field> history = std::move(history_);
  records_.clear();
  fields_.clear();
  history_.clear();
  record_index_.clear();
  field_index_.clear();

  // Records before fields (a field refers to its record).
  SendRecords(lease, tx, records);
  if (fields.empty()) return;
  SendFields(lease, tx, fields);
  if (history.empty()) return;
  SendHistory(lease, tx, history);
}

void WriteBuffer::SendRecords(Lease& lease, pqxx::transaction_base& tx,
                              const std::vector<Record>& records) {
  ArrayText ids, forms, versions, scopes, maxes, created;
  ArrayText uids, uforms, uversions, uscopes, umaxes;
  int64_t updates = 0;
  for (const auto& r : records) {
    if (r.insert) {
      ids.Bytes(r.row.id.AsBytes());
      forms.Text(r.row.form_id);
      versions.Text(r.row.form_version);
      scopes.Text(r.row.scope);
      maxes.Int(r.row.max_version);
      created.Int(r.row.created_ms);
    } else {
      ++updates;
      uids.Bytes(r.row.id.AsBytes());
      uforms.Text(r.row.form_id);
      uversions.Text(r.row.form_version);
      uscopes.Text(r.row.scope);
      umaxes.Int(r.row.max_version);
    }
  }
  if (!ids.empty()) {
    lease.Exec(tx, kInsertRecords, ids.Finish(), forms.Finish(), versions.Finish(),
               scopes.Finish(), maxes.Finish(), created.Finish());
  }
  if (updates > 0) {
    auto r = lease.Exec(tx, kUpdateRecords, uids.Finish(), uforms.Finish(), uversions.Finish(),
                        uscopes.Finish(), umaxes.Finish());
    if (static_cast<int64_t>(r.affected_rows()) != updates) {
      throw std::runtime_error("a locked record row vanished before its header was written");
    }
  }
}

void WriteBuffer::SendFields(Lease& lease, pqxx::transaction_base& tx,
                             const std::vector<Field>& fields) {
  // The columns of the new fields (plain INSERT) and of the replacing ones (history, upsert).
  FieldColumns inserts, replaces;
  ArrayText firsts;
  for (const auto& p : fields) {
    if (p.absent) {
      inserts.Add(p);
    } else {
      replaces.Add(p);
      firsts.Int(p.first_version);
    }
  }
  if (inserts.count > 0) {
    lease.Exec(tx, kInsertFields, inserts.ids.Finish(), inserts.paths.Finish(),
               inserts.scopes.Finish(), inserts.values.Finish(), inserts.versions.Finish(),
               inserts.hlcs.Finish(), inserts.authors.Finish(), inserts.received.Finish(),
               inserts.pushers.Finish());
  }
  if (replaces.count > 0) {
    lease.Exec(tx, kWriteFields, replaces.ids.Finish(), replaces.paths.Finish(),
               replaces.scopes.Finish(), replaces.values.Finish(), replaces.versions.Finish(),
               replaces.hlcs.Finish(), replaces.authors.Finish(), replaces.received.Finish(),
               firsts.Finish(), replaces.pushers.Finish());
  }
}

void WriteBuffer::SendHistory(Lease& lease, pqxx::transaction_base& tx,
                              const std::vector<Field>& history) {
  ArrayText hids, hpaths, hversions, hvalues, hhlcs, hauthors, hreceived, hby;
  for (const auto& p : history) {
    hids.Bytes(p.row.record_id.AsBytes());
    hpaths.Text(p.row.path);
    hversions.Int(p.row.version);
    AddValue(p.row, &hvalues);
    hhlcs.Int(Hlc(p.row));
    hauthors.Int(p.author);
    hreceived.Int(p.row.received_ms);
    hby.Int(p.superseded_by);
  }
  lease.Exec(tx, kWriteHistory, hids.Finish(), hpaths.Finish(), hversions.Finish(),
             hvalues.Finish(), hhlcs.Finish(), hauthors.Finish(), hreceived.Finish(),
             hby.Finish());
}

}  // namespace doorstep::sync::server::pg
