// Attachments in the tablet store: blobs kept once per SHA-256 in the store file, set on fields
// in one transaction, the upload bookkeeping, limits, and the schema 1 -> 2 migration of an
// existing store file.
#include <sqlite3.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "doorstep/core/sha256.h"
#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

v1::FormDef PhotoForm() {
  return FormJson(R"({"formId": "photo_survey", "version": "1", "scopeField": "village",
    "fields": [
      {"name": "village", "type": "TEXT"},
      {"name": "head_name", "type": "TEXT"},
      {"name": "house_photo", "type": "ATTACHMENT"},
      {"name": "members", "type": "REPEAT", "children": [
        {"name": "m_name", "type": "TEXT"},
        {"name": "m_photo", "type": "ATTACHMENT"}]}
    ]})");
}

// `n` pseudo-random bytes (a stand-in for a JPEG: incompressible).
std::string Photo(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

std::string ShaOf(const std::string& bytes) {
  const Digest d = Sha256Of(bytes);
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

sqlite3* OpenRaw(const std::string& path, const std::string& key) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
#ifdef DOORSTEP_HAS_ENCRYPTION
  if (!key.empty()) {
    sqlite3_exec(db, ("PRAGMA key = '" + key + "'").c_str(), nullptr, nullptr, nullptr);
  }
#else
  (void)key;
#endif
  return db;
}

void ExecRaw(const std::string& path, const std::string& key, const std::string& sql) {
  sqlite3* db = OpenRaw(path, key);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  INFO((err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

int64_t QueryInt(const std::string& path, const std::string& key, const std::string& sql) {
  sqlite3* db = OpenRaw(path, key);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  const int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

struct PhotoStore {
  StoreFixture fx;
  std::unique_ptr<Store> store = fx.Open();
  PhotoStore() { REQUIRE(store->InstallForm(PhotoForm()).ok()); }

  RecordId NewRecord(const std::string& village = "坪新冲村") {
    auto id = store->CreateRecord("photo_survey", "", {Edit::Set("village", Text(village))});
    REQUIRE(id.ok());
    return *id;
  }
  std::vector<std::string> Pending() {
    auto p = store->PendingUploads();
    INFO(p.status().ToString());
    REQUIRE(p.ok());
    std::vector<std::string> shas;
    for (const auto& b : *p) shas.push_back(b.sha256);
    return shas;
  }
  BlobInfo Info(const std::string& sha) {
    auto info = store->GetBlobInfo(sha);
    REQUIRE(info.ok());
    REQUIRE(info->has_value());
    return **info;
  }
};

}  // namespace

TEST_CASE("a schema 1 store file opens and migrates to the current schema with its data",
          "[core][attachments]") {
  StoreFixture fx;
  RecordId id;
  {
    auto store = fx.Open();
    REQUIRE(store->InstallForm(PhotoForm()).ok());
    auto rec = store->CreateRecord("photo_survey", "", {Edit::Set("head_name", Text("王秀英"))});
    REQUIRE(rec.ok());
    id = *rec;
  }
  // Schema 1 is schema 3 without the blob and quarantine tables (and without the header's
  // application_id, which the first open of this build writes): make the file exactly what
  // version 1 wrote.
  ExecRaw(fx.DbPath(), fx.key,
          "DROP TABLE blob; DROP TABLE quarantine; PRAGMA user_version = 1; "
          "PRAGMA application_id = 0;");
  REQUIRE(QueryInt(fx.DbPath(), fx.key,
                   "SELECT count(*) FROM sqlite_master WHERE name = 'blob'") == 0);

  SECTION("the migration runs on open and the store works at once") {
    auto reopened = Store::Open(fx.Options());
    INFO(reopened.status().ToString());
    REQUIRE(reopened.ok());
    Store& store = **reopened;
    CHECK(QueryInt(fx.DbPath(), fx.key, "PRAGMA user_version") == kStoreSchemaVersion);
    CHECK(QueryInt(fx.DbPath(), fx.key, "PRAGMA application_id") == 0x44535431);
    CHECK(store.Quarantined()->empty());
    auto rec = store.GetRecord(id);
    REQUIRE(rec.ok());
    REQUIRE(rec->Get("head_name") != nullptr);
    CHECK(rec->Get("head_name")->text() == "王秀英");
    auto value = store.Attach(id, "house_photo", Photo(5000, 1), "image/jpeg", "house.jpg");
    INFO(value.status().ToString());
    REQUIRE(value.ok());
    CHECK(store.ReadBlob(value->attachment().sha256(), 0, 10000).value() == Photo(5000, 1));
  }
  SECTION("a failing migration leaves the file at schema 1, and a later open migrates it") {
    // A table named like the new one makes the migration fail part-way.
    ExecRaw(fx.DbPath(), fx.key, "CREATE TABLE blob(x INTEGER)");
    auto failed = Store::Open(fx.Options());
    REQUIRE_FALSE(failed.ok());
    CHECK_THAT(failed.status().where(), Catch::Contains("migration 1->2"));
    CHECK(QueryInt(fx.DbPath(), fx.key, "PRAGMA user_version") == 1);
    CHECK(QueryInt(fx.DbPath(), fx.key,
                   "SELECT count(*) FROM sqlite_master WHERE name = 'blob_pending'") == 0);
    ExecRaw(fx.DbPath(), fx.key, "DROP TABLE blob");
    auto ok = Store::Open(fx.Options());
    INFO(ok.status().ToString());
    REQUIRE(ok.ok());
    CHECK(QueryInt(fx.DbPath(), fx.key, "PRAGMA user_version") == kStoreSchemaVersion);
    CHECK((*ok)->GetRecord(id).ok());
  }
}

TEST_CASE("an attachment is stored once per SHA-256 and set on its field in one transaction",
          "[core][attachments]") {
  PhotoStore t;
  const RecordId a = t.NewRecord();
  const RecordId b = t.NewRecord();
  const std::string photo = Photo(700 * 1024, 7);
  const std::string sha = ShaOf(photo);

  auto value = t.store->Attach(a, "house_photo", photo, "image/jpeg", "门前.jpg");
  INFO(value.status().ToString());
  REQUIRE(value.ok());
  CHECK(value->attachment().sha256() == sha);
  CHECK(value->attachment().size() == photo.size());
  CHECK(value->attachment().media_type() == "image/jpeg");
  CHECK(value->attachment().file_name() == "门前.jpg");
  auto rec = t.store->GetRecord(a);
  REQUIRE(rec.ok());
  REQUIRE(rec->Get("house_photo") != nullptr);
  CHECK(rec->Get("house_photo")->SerializeAsString() == value->SerializeAsString());
  // The change goes out with the record like any other field.
  auto pending = t.store->PendingChanges();
  REQUIRE(pending.ok());
  CHECK(std::count_if(pending->begin(), pending->end(), [](const OutboxEntry& e) {
          return e.path == "house_photo";
        }) == 1);

  const BlobInfo info = t.Info(sha);
  CHECK(info.size == photo.size());
  CHECK(info.media_type == "image/jpeg");
  CHECK(info.uploaded == 0);
  CHECK_FALSE(info.complete);

  // Read back in chunks, as the sync client does.
  std::string joined;
  for (uint64_t off = 0; off < photo.size(); off += 256 * 1024) {
    auto chunk = t.store->ReadBlob(sha, off, 256 * 1024);
    REQUIRE(chunk.ok());
    joined += *chunk;
  }
  CHECK(joined == photo);
  CHECK(t.store->ReadBlob(sha, photo.size(), 10).value().empty());
  CHECK(t.store->ReadBlob(sha, photo.size() - 3, 10).value() == photo.substr(photo.size() - 3));
  auto past = t.store->ReadBlob(sha, photo.size() + 1, 10);
  CHECK(past.status().code() == Code::kInvalidArgument);
  CHECK(past.status().where() == "offset");
  CHECK(t.store->ReadBlob(ShaOf("other"), 0, 10).status().code() == Code::kNotFound);

  SECTION("the same photo on another record or a member is the same blob, stored once") {
    auto member = t.store->AddInstance(b, "members");
    REQUIRE(member.ok());
    REQUIRE(t.store->Attach(b, "members[" + *member + "]/m_photo", photo, "image/jpeg", "x.jpg")
                .ok());
    CHECK(QueryInt(t.fx.DbPath(), t.fx.key, "SELECT count(*) FROM blob") == 1);
    CHECK(t.Info(sha).added == info.added);
    CHECK(t.Pending() == std::vector<std::string>{sha});
  }
  SECTION("a failing write stores no blob") {
    const std::string other = Photo(1000, 8);
    auto wrong_field = t.store->Attach(b, "head_name", other, "image/jpeg", "a.jpg");
    CHECK(wrong_field.status().code() == Code::kInvalidArgument);
    auto no_field = t.store->Attach(b, "no_such_field", other, "image/jpeg", "a.jpg");
    CHECK_FALSE(no_field.ok());
    REQUIRE(t.store->Finalize(b).ok());
    auto finalized = t.store->Attach(b, "house_photo", other, "image/jpeg", "a.jpg");
    CHECK(finalized.status().code() == Code::kFailedPrecondition);
    auto held = t.store->GetBlobInfo(ShaOf(other));
    REQUIRE(held.ok());
    CHECK_FALSE(held->has_value());
    CHECK(QueryInt(t.fx.DbPath(), t.fx.key, "SELECT count(*) FROM blob") == 1);
  }
}

TEST_CASE("attachment limits and malformed input are refused with the field at fault",
          "[core][attachments]") {
  PhotoStore t;
  const RecordId id = t.NewRecord();
  auto empty = t.store->Attach(id, "house_photo", "", "image/jpeg", "a.jpg");
  CHECK(empty.status().code() == Code::kInvalidArgument);
  CHECK(empty.status().where() == "bytes");

  const std::string big(kMaxAttachmentBytes + 1, 'x');
  auto too_big = t.store->AddAttachment(big, "image/jpeg", "big.jpg");
  CHECK(too_big.status().code() == Code::kResourceExhausted);
  CHECK(too_big.status().where() == "bytes");
  CHECK_THAT(too_big.status().message(), Catch::Contains("the limit is 20 MiB"));
  auto at_limit = t.store->AddAttachment(std::string_view(big).substr(1), "image/jpeg", "max.jpg");
  INFO(at_limit.status().ToString());
  CHECK(at_limit.ok());

  for (const char* bad : {"", "jpeg", "image/", "/jpeg", "image/jp eg", "a/b/c"}) {
    auto r = t.store->AddAttachment("bytes", bad, "a.jpg");
    INFO(bad);
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().where() == "media_type");
  }
  auto long_name = t.store->AddAttachment("bytes", "image/jpeg", std::string(256, 'n'));
  CHECK(long_name.status().where() == "file_name");
  CHECK(t.store->GetBlobInfo("short").status().where() == "sha256");
}

TEST_CASE("pending uploads are the incomplete blobs that live values refer to",
          "[core][attachments]") {
  PhotoStore t;
  const RecordId a = t.NewRecord();
  const RecordId b = t.NewRecord();
  const std::string first = Photo(3000, 1);
  const std::string second = Photo(4000, 2);
  const std::string member_photo = Photo(5000, 3);
  REQUIRE(t.store->Attach(a, "house_photo", first, "image/jpeg", "1.jpg").ok());
  t.fx.clock.now_ms += 1000;
  // Retaken before any sync: the first photo is no longer referred to and never uploaded.
  REQUIRE(t.store->Attach(a, "house_photo", second, "image/jpeg", "2.jpg").ok());
  t.fx.clock.now_ms += 1000;
  auto member = t.store->AddInstance(b, "members");
  REQUIRE(member.ok());
  REQUIRE(t.store->Attach(b, "members[" + *member + "]/m_photo", member_photo, "image/png", "m.png")
              .ok());
  // Stored but set on no field: nothing to upload.
  REQUIRE(t.store->AddAttachment(Photo(100, 4), "image/jpeg", "loose.jpg").ok());
  CHECK(t.Pending() == std::vector<std::string>{ShaOf(second), ShaOf(member_photo)});

  SECTION("acknowledged bytes are recorded; a complete blob is no longer pending") {
    REQUIRE(t.store->SetUploaded(ShaOf(second), 2048, false).ok());
    CHECK(t.Info(ShaOf(second)).uploaded == 2048);
    CHECK(t.Pending().size() == 2);
    REQUIRE(t.store->SetUploaded(ShaOf(second), 0, true).ok());
    const BlobInfo done = t.Info(ShaOf(second));
    CHECK(done.complete);
    CHECK(done.uploaded == second.size());
    CHECK(t.Pending() == std::vector<std::string>{ShaOf(member_photo)});
    auto over = t.store->SetUploaded(ShaOf(member_photo), member_photo.size() + 1, false);
    CHECK(over.code() == Code::kInvalidArgument);
    CHECK(over.where() == "uploaded");
    CHECK(t.store->SetUploaded(ShaOf("unknown"), 1, false).code() == Code::kNotFound);
  }
  SECTION("a cleared field, a removed member and a deleted record release their photos") {
    REQUIRE(t.store->ClearValue(a, "house_photo").ok());
    CHECK(t.Pending() == std::vector<std::string>{ShaOf(member_photo)});
    REQUIRE(t.store->RemoveInstance(b, "members[" + *member + "]").ok());
    CHECK(t.Pending().empty());
    REQUIRE(t.store->Attach(a, "house_photo", first, "image/jpeg", "1.jpg").ok());
    CHECK(t.Pending() == std::vector<std::string>{ShaOf(first)});
    REQUIRE(t.store->DeleteRecord(a).ok());
    CHECK(t.Pending().empty());
  }
}

TEST_CASE("a fetched blob is stored only when it has its SHA-256, and counts as uploaded",
          "[core][attachments]") {
  PhotoStore t;
  const std::string photo = Photo(9000, 5);
  auto wrong = t.store->SaveFetchedBlob(ShaOf(photo), Photo(9000, 6), "image/jpeg");
  CHECK(wrong.code() == Code::kCorruption);
  auto none = t.store->GetBlobInfo(ShaOf(photo));
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  REQUIRE(t.store->SaveFetchedBlob(ShaOf(photo), photo, "image/jpeg").ok());
  const BlobInfo info = t.Info(ShaOf(photo));
  CHECK(info.complete);
  CHECK(info.uploaded == photo.size());
  CHECK(t.store->ReadBlob(ShaOf(photo), 0, photo.size()).value() == photo);
}

TEST_CASE("photo bytes are encrypted with the store in SQLCipher builds", "[core][attachments]") {
  PhotoStore t;
  const RecordId id = t.NewRecord();
  // A recognisable run of text inside the photo's bytes.
  const std::string marker = "DOORSTEP-PHOTO-MARKER-3f9a";
  const std::string photo = Photo(20000, 9) + marker + Photo(20000, 10);
  REQUIRE(t.store->Attach(id, "house_photo", photo, "image/jpeg", "p.jpg").ok());
  t.store.reset();
  std::string on_disk = ReadFileBytes(t.fx.DbPath()) + ReadFileBytes(t.fx.DbPath() + "-wal");
  if (EncryptionEnabled()) {
    CHECK(on_disk.find(marker) == std::string::npos);
  } else {
    CHECK(on_disk.find(marker) != std::string::npos);  // why encrypted builds exist
  }
}

namespace {

// Acknowledges every pending change of `id` as if the server had accepted it.
void AckAll(Store& store, const RecordId& id) {
  auto pending = store.PendingChanges();
  REQUIRE(pending.ok());
  std::vector<PushAck> acks;
  int64_t version = 100;
  for (const auto& e : *pending) {
    if (e.record_id != id) continue;
    PushAck ack;
    ack.record_id = e.record_id;
    ack.path = e.path;
    ack.pushed_hlc = e.hlc;
    ack.version = ++version;
    acks.push_back(ack);
  }
  REQUIRE(store.AcknowledgePush(acks, 2).ok());
}

}  // namespace

TEST_CASE("a purge of villages no longer held keeps unpushed work and photos still referred to",
          "[core][attachments][rescope]") {
  PhotoStore t;
  Store& store = *t.store;
  const std::string shared = Photo(3000, 1);   // in a kept and a purged record
  const std::string uploaded = Photo(3000, 2); // only in the purged record, on the server
  const std::string local = Photo(3000, 3);    // only in the purged record, not uploaded yet
  const RecordId kept = t.NewRecord("坪新冲村");
  REQUIRE(store.Attach(kept, "house_photo", shared, "image/jpeg", "a.jpg").ok());
  const RecordId gone = t.NewRecord("高屯村");
  REQUIRE(store.Attach(gone, "house_photo", uploaded, "image/jpeg", "b.jpg").ok());
  REQUIRE(store.SetValue(gone, "head_name", Text("李明")).ok());
  REQUIRE(store.SetValue(gone, "head_name", Text("李明明")).ok());  // an audit row
  auto member = store.AddInstance(gone, "members");
  REQUIRE(member.ok());
  REQUIRE(store.Attach(gone, "members[" + *member + "]/m_photo", local, "image/jpeg", "c.jpg").ok());
  auto second = store.AddInstance(gone, "members");
  REQUIRE(second.ok());
  REQUIRE(store.Attach(gone, "members[" + *second + "]/m_photo", shared, "image/jpeg", "a.jpg").ok());
  const RecordId pending = t.NewRecord("高屯村");  // never pushed
  const RecordId refused = t.NewRecord("高屯村");  // its change refused by the server, kept here
  const RecordId no_village = t.NewRecord("");
  for (const RecordId& id : {kept, gone, refused, no_village}) AckAll(store, id);
  REQUIRE(store.SetValue(refused, "head_name", Text("王五")).ok());
  {
    auto p = store.PendingChanges();
    REQUIRE(p.ok());
    std::vector<PushAck> bad;
    for (const auto& e : *p) {
      if (e.record_id == refused) bad.push_back({e.record_id, e.path, e.hlc});
    }
    REQUIRE(bad.size() == 1);
    bad[0].reason = "refused (test)";
    REQUIRE(store.QuarantineRefused(bad).ok());
  }
  REQUIRE(store.SetUploaded(ShaOf(uploaded), 3000, true).ok());
  REQUIRE(store.SetUploaded(ShaOf(shared), 3000, true).ok());

  const std::string hex =
      "x'" + ToHex(reinterpret_cast<const uint8_t*>(gone.AsBytes().data()), 16) + "'";
  REQUIRE(QueryInt(t.fx.DbPath(), t.fx.key,
                   "SELECT count(*) FROM audit WHERE record_id = " + hex) > 0);  // edited twice
  auto purged = store.PurgeOutOfScope({"坪新冲村"});
  INFO(purged.status().ToString());
  REQUIRE(purged.ok());
  CHECK(purged->records == 1);
  CHECK(purged->kept_unpushed == 2);  // `pending` and `refused`
  CHECK(purged->blobs == 1);          // `uploaded`; `shared` is still used, `local` not uploaded
  CHECK(store.GetRecord(kept).ok());
  CHECK(store.GetRecord(gone).status().code() == Code::kNotFound);
  CHECK(store.GetRecord(pending).ok());
  CHECK(store.GetRecord(refused).ok());
  CHECK(store.GetRecord(no_village).ok());
  // Nothing of the purged record is left in any table.
  for (const char* table : {"audit", "value", "quarantine"}) {
    INFO(table);
    CHECK(QueryInt(t.fx.DbPath(), t.fx.key,
                   std::string("SELECT count(*) FROM ") + table + " WHERE record_id = " + hex) == 0);
  }
  CHECK(QueryInt(t.fx.DbPath(), t.fx.key, "SELECT count(*) FROM record WHERE id = " + hex) == 0);
  CHECK_FALSE(store.GetBlobInfo(ShaOf(uploaded)).value().has_value());
  CHECK(store.GetBlobInfo(ShaOf(shared)).value().has_value());
  CHECK(store.GetBlobInfo(ShaOf(local)).value().has_value());
  CHECK(store.IntegrityCheck().value() == "ok");
  // Idempotent: nothing more to purge.
  auto twice = store.PurgeOutOfScope({"坪新冲村"});
  REQUIRE(twice.ok());
  CHECK(twice->records == 0);
}

TEST_CASE("values at versions a restored server lost become pending again", "[core][sync]") {
  PhotoStore t;
  Store& store = *t.store;
  const RecordId a = t.NewRecord("坪新冲村");
  REQUIRE(store.SetValue(a, "head_name", Text("王秀英")).ok());
  AckAll(store, a);  // versions 101.. (@form, @state, village, head_name)
  REQUIRE(store.PendingChanges().value().empty());
  auto versions = [&]() {
    std::map<std::string, int64_t> out;
    auto rec = store.GetRecord(a);
    REQUIRE(rec.ok());
    for (const auto& v : rec->values) out[v.path] = v.version;
    return out;
  };
  const auto before = versions();
  int64_t top = 0;
  for (const auto& [path, version] : before) top = std::max(top, version);
  REQUIRE(top > 102);
  auto n = store.RepushAbove(102);
  INFO(n.status().ToString());
  REQUIRE(n.ok());
  size_t expected = 0;
  for (const auto& [path, version] : before) expected += version > 102 ? 1 : 0;
  CHECK(*n == expected);
  const auto after = versions();
  for (const auto& [path, version] : before) {
    INFO(path);
    CHECK(after.at(path) == (version > 102 ? 0 : version));
  }
  auto pending = store.PendingChanges();
  REQUIRE(pending.ok());
  CHECK(pending->size() == expected);
  for (const auto& e : *pending) CHECK(e.base_version == 0);
  CHECK(store.RepushAbove(102).value() == 0);  // idempotent
  CHECK(store.IntegrityCheck().value() == "ok");
}
