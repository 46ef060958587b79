// The write buffer of one PgServerStore transaction (pg_txn.cpp): record headers and field
// values are kept here and sent when the transaction next talks to the database (before any other
// statement, or at COMMIT), as at most five statements (unnest of arrays): new records, changed
// headers, new fields, replaced field values, early history. A push of fifty households thus
// costs a handful of round trips for its writes, not a thousand.
//
//   - A new record is a plain INSERT, never an upsert: two transactions creating the same record
//     collide on its primary key (store.h rule 2). Its later header changes in the same burst
//     only change what is inserted.
//   - The field statement moves each replaced row to field_history, superseded by the burst's
//     first write of that field; a field written twice within one burst sends its earlier value
//     straight to the history (superseded by the later write). Fields the transaction knows to
//     have no row (InsertField) are plain INSERTs: a row made meanwhile by another transaction
//     would be a unique violation, as for records.
//
// Thread rules: belongs to its transaction's thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "doorstep/sync/server/store.h"
#include "pg_db.h"

namespace doorstep::sync::server::pg {

class WriteBuffer {
 public:
  void InsertRecord(const RecordRow& row);  // a record this transaction creates
  void UpdateRecord(const RecordRow& row);  // the header of a record in the database or buffered
  // `author`: the interned author id; `absent`: the database holds no row of the field (a plain
  // INSERT, without the look for a row to move to the history).
  void AddField(const FieldRow& row, int64_t author, bool absent);
  // Whether the buffer should be sent now (bounds the size of one statement).
  bool full() const { return fields_.size() >= kMaxFields; }
  // Sends everything buffered on `lease` in `tx`; nothing when empty. Throws what libpqxx throws,
  // and std::runtime_error when a header update finds fewer rows than it should.
  void Flush(Lease& lease, pqxx::transaction_base& tx);

 private:
  static constexpr size_t kMaxFields = 2000;

 public:
  struct Field {
    FieldRow row;
    int64_t author = 0;
    int64_t first_version = 0;  // the burst's first write of the field: supersedes the stored row
    int64_t superseded_by = 0;  // for rows moved to the history before they were ever sent
    bool absent = false;        // no row in the database when the burst began
  };

 private:
  struct Record {
    RecordRow row;
    bool insert = false;
  };

  // Flush's statements: new records and changed headers; new and replaced fields (the replaced
  // rows moving to the history); values superseded within the burst.
  static void SendRecords(Lease& lease, pqxx::transaction_base& tx,
                          const std::vector<Record>& records);
  static void SendFields(Lease& lease, pqxx::transaction_base& tx,
                         const std::vector<Field>& fields);
  static void SendHistory(Lease& lease, pqxx::transaction_base& tx,
                          const std::vector<Field>& history);

  std::vector<Record> records_;
  std::map<RecordId, size_t> record_index_;
  std::vector<Field> fields_;
  std::map<std::pair<RecordId, std::string>, size_t> field_index_;  // (record, path) -> fields_
  std::vector<Field> history_;
};

}  // namespace doorstep::sync::server::pg
