// Bad input at the core's doors (docs/bad-input.md): text that is not UTF-8 or holds control
// characters is refused where it is written, so it can never brick a record or a push; form
// installs are all or nothing; files that are not stores are named for what they are.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "doorstep/core/text_check.h"
#include "doorstep/core/values.h"
#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

struct Filled {
  StoreFixture fx;
  std::unique_ptr<Store> store = fx.Open();
  RecordId id;
  Filled() {
    REQUIRE(store->InstallForm(HouseholdForm()).ok());
    auto created = store->CreateRecord("household");
    REQUIRE(created.ok());
    id = *created;
  }
};

}  // namespace

TEST_CASE("UTF-8 is checked byte by byte: overlongs, surrogates and truncations are refused",
          "[core][bad-input]") {
  CHECK(InvalidUtf8At("") == kTextOk);
  CHECK(InvalidUtf8At("王秀英 abc") == kTextOk);
  CHECK(InvalidUtf8At("\xF0\x9F\x98\x80") == kTextOk);  // U+1F600, four bytes
  CHECK(InvalidUtf8At("\xF4\x8F\xBF\xBF") == kTextOk);  // U+10FFFF, the last code point
  CHECK(InvalidUtf8At("ab\xff") == 2);                    // a byte never in UTF-8
  CHECK(InvalidUtf8At("a\x80") == 1);                     // a lone continuation byte
  CHECK(InvalidUtf8At("\xC0\xAF") == 0);                  // overlong '/'
  CHECK(InvalidUtf8At("\xE0\x80\xAF") == 0);              // overlong, three bytes
  CHECK(InvalidUtf8At("x\xED\xA0\x80") == 1);             // encoded surrogate U+D800
  CHECK(InvalidUtf8At("\xF4\x90\x80\x80") == 0);          // above U+10FFFF
  CHECK(InvalidUtf8At("王\xE7\x8E") == 3);                // truncated at the end
  CHECK(InvalidUtf8At(std::string("a\0b", 3)) == kTextOk);  // NUL is UTF-8 (a control, below)

  CHECK(ControlCharAt("line 1\nline 2\ttab", true) == kTextOk);
  CHECK(ControlCharAt("line 1\nline 2", false) == 6);
  CHECK(ControlCharAt("red \x1b[31m", true) == 4);  // a terminal escape
  CHECK(ControlCharAt(std::string("a\0b", 3), true) == 1);
  CHECK(ControlCharAt("del\x7f", true) == 3);
  CHECK(ControlCharAt("c1 \xC2\x9B", true) == 3);  // U+009B, the C1 escape
  CHECK(ControlCharAt("\xC2\xA0nbsp", true) == kTextOk);

  Status s = CheckText("ab\xff", "head_name", "text");
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(s.where() == "head_name");
  CHECK(s.message() == "text is not valid UTF-8 (byte 2)");
  s = CheckText("a\x1b", "head_name", "text");
  CHECK(s.message() == "text holds a control character (U+001B at byte 1)");
}

TEST_CASE("text that is not valid UTF-8 is refused when written, and the record stays usable",
          "[core][bad-input]") {
  Filled f;
  REQUIRE(f.store->SetValue(f.id, "head_name", Text("王秀英")).ok());
  for (const std::string& bad : {std::string("\xff"), std::string("\xED\xA0\x80"),
                                std::string("王\x1b[2J"), std::string("a\0b", 3)}) {
    Status s = f.store->SetValue(f.id, "head_name", Text(bad));
    INFO(s.ToString());
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.where() == "head_name");
  }
  // Nothing was written: the record reads, and the outbox holds the good value only.
  auto rec = f.store->GetRecord(f.id);
  REQUIRE(rec.ok());
  CHECK(rec->Get("head_name")->text() == "王秀英");
  auto pending = f.store->PendingChanges();
  REQUIRE(pending.ok());
  for (const auto& e : *pending) CHECK(e.problem.empty());
  // Multi-line text is fine in a text field.
  CHECK(f.store->SetValue(f.id, "head_name", Text("王\n秀英")).ok());
}

TEST_CASE("choices, signer names and authors are checked too", "[core][bad-input]") {
  Filled f;
  Status s = f.store->SetValue(f.id, "poverty_status", One("x\xff"));
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK_THAT(s.message(), Catch::Contains("not valid UTF-8"));

  s = f.store->Sign(f.id, "sig_surveyor", TestSignature("李\xff"));
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK_THAT(s.message(), Catch::Contains("signer name is not valid UTF-8"));
  s = f.store->Sign(f.id, "sig_surveyor", TestSignature("李四\n"));
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK_THAT(s.message(), Catch::Contains("control character"));
  s = f.store->Sign(f.id, "sig_surveyor", TestSignature(std::string(300, 'a')));
  CHECK(s.code() == Code::kInvalidArgument);

  // The author travels in every change set: a bad one would make every push undecodable.
  s = f.store->SetAuthor({"S\xff", "d1"});
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(s.where() == "surveyor");
  CHECK(s.message() == "surveyor id is not valid UTF-8 (byte 1)");
  s = f.store->SetAuthor({"s1", "d\x1b"});
  CHECK(s.where() == "device");
  CHECK(f.store->SetAuthor({"s1", std::string(129, 'd')}).code() == Code::kInvalidArgument);
  CHECK(f.store->author() == Author{"s1", "d1"});  // unchanged
}

TEST_CASE("a signature of more than 20,000 points is refused", "[core][bad-input]") {
  Filled f;
  SignatureInput in = TestSignature("李四");
  in.strokes.assign(1, std::vector<StrokePoint>(20001, in.strokes.front().front()));
  Status s = f.store->Sign(f.id, "sig_surveyor", in);
  CHECK(s.code() == Code::kResourceExhausted);
  CHECK(s.message() == "signature has more than 20000 points");
}

TEST_CASE("a value the store cannot decode does not block the outbox", "[core][bad-input]") {
  // A store written by a build without the write-time check: one stored value is not UTF-8.
  Filled f;
  REQUIRE(f.store->SetValue(f.id, "head_name", Text("王秀英")).ok());
  REQUIRE(f.store->SetValue(f.id, "phone", Text("13800000000")).ok());
  f.store.reset();
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(f.fx.DbPath().c_str(), &db) == SQLITE_OK);
#ifdef DOORSTEP_HAS_ENCRYPTION
    sqlite3_exec(db, ("PRAGMA key = '" + f.fx.key + "'").c_str(), nullptr, nullptr, nullptr);
#endif
    // v1::Value{text = "\xff"}: field 1, length 1.
    REQUIRE(sqlite3_exec(db, "UPDATE value SET value = x'0a01ff' WHERE path = 'head_name'",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  f.store = f.fx.Open();
  auto pending = f.store->PendingChanges();
  REQUIRE(pending.ok());
  const OutboxEntry* bad = nullptr;
  size_t good = 0;
  for (const auto& e : *pending) {
    if (e.path == "head_name") {
      bad = &e;
    } else {
      CHECK(e.problem.empty());
      ++good;
    }
  }
  REQUIRE(bad != nullptr);
  CHECK_THAT(bad->problem, Catch::Contains("does not decode"));
  CHECK(good > 0);

  // Quarantined here: out of the outbox, kept with its reason; the rest stays pending.
  PushAck ack;
  ack.record_id = bad->record_id;
  ack.path = bad->path;
  ack.pushed_hlc = bad->hlc;
  ack.reason = bad->problem;
  REQUIRE(f.store->QuarantineRefused({ack}).ok());
  auto after = f.store->PendingChanges();
  REQUIRE(after.ok());
  CHECK(after->size() == good);
  auto q = f.store->Quarantined();
  REQUIRE(q.ok());
  REQUIRE(q->size() == 1);
  CHECK(q->at(0).path == "head_name");
  CHECK_FALSE(q->at(0).by_server);
  CHECK(q->at(0).reason == bad->problem);
  CHECK(q->at(0).at_ms == f.fx.clock.NowMs());
  // Quarantining the same change again does nothing (no longer pending).
  REQUIRE(f.store->QuarantineRefused({ack}).ok());
  CHECK(f.store->Quarantined()->size() == 1);
}

TEST_CASE("a change edited again after it was refused is not quarantined", "[core][bad-input]") {
  Filled f;
  REQUIRE(f.store->SetValue(f.id, "phone", Text("1")).ok());
  auto pending = f.store->PendingChanges();
  REQUIRE(pending.ok());
  PushAck ack;
  for (const auto& e : *pending) {
    if (e.path == "phone") {
      ack.record_id = e.record_id;
      ack.path = e.path;
      ack.pushed_hlc = e.hlc;
    }
  }
  ack.reason = "refused";
  f.fx.clock.AdvanceDays(1);
  REQUIRE(f.store->SetValue(f.id, "phone", Text("2")).ok());  // a new HLC
  REQUIRE(f.store->QuarantineRefused({ack}).ok());
  CHECK(f.store->Quarantined()->empty());
  bool still = false;
  auto now_pending = f.store->PendingChanges();
  REQUIRE(now_pending.ok());
  for (const auto& e : *now_pending) still = still || e.path == "phone";
  CHECK(still);
}

TEST_CASE("installing several forms is all or nothing", "[core][bad-input]") {
  StoreFixture fx;
  auto store = fx.Open();
  v1::FormDef good = HouseholdForm("2024.1");
  v1::FormDef bad = HouseholdForm();
  bad.set_version("2024.2");
  bad.mutable_fields(0)->set_relevant("((");  // does not compile
  Status s = store->InstallForms({good, bad});
  CHECK_FALSE(s.ok());
  CHECK_THAT(s.where(), Catch::Contains("household@2024.2"));
  CHECK(store->ListForms()->empty());
  // A definition clashing with an installed one refuses the whole set too.
  REQUIRE(store->InstallForm(good).ok());
  v1::FormDef next = HouseholdForm();
  next.set_version("2024.3");
  v1::FormDef changed = good;
  changed.mutable_fields(0)->set_relevant("true()");
  s = store->InstallForms({next, changed});
  CHECK(s.code() == Code::kAlreadyExists);
  auto forms = store->ListForms();
  REQUIRE(forms.ok());
  REQUIRE(forms->size() == 1);
  CHECK(forms->at(0).version == "2024.1");
  // And a good set installs in one go.
  v1::FormDef fourth = HouseholdForm();
  fourth.set_version("2024.4");
  REQUIRE(store->InstallForms({next, fourth}).ok());
  CHECK(store->ListForms()->size() == 3);
}

TEST_CASE("files that are not stores are named for what they are", "[core][bad-input]") {
  StoreFixture fx;
  SECTION("an empty file") {
    { std::ofstream(fx.DbPath()); }
    auto opened = Store::Open(fx.Options());
    CHECK(opened.status().code() == Code::kFailedPrecondition);
    CHECK_THAT(opened.status().message(), Catch::Contains("empty (0 bytes)"));
    CHECK(ReadFileBytes(fx.DbPath()).empty());  // left as it was
  }
  SECTION("a text file") {
    { std::ofstream(fx.DbPath()) << "household_no,head_name\n1,王\n"; }
    auto opened = Store::Open(fx.Options());
    REQUIRE_FALSE(opened.ok());
    if (!EncryptionEnabled()) {
      CHECK(opened.status().code() == Code::kCorruption);
      CHECK_THAT(opened.status().message(), Catch::Contains("not an SQLite database"));
      CHECK_THAT(opened.status().message(), !Catch::Contains("key"));
    }
  }
  SECTION("another application's SQLite database") {
    if (EncryptionEnabled()) return;  // a plain file cannot be opened with a key
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(fx.DbPath().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE photos(x)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    auto opened = Store::Open(fx.Options());
    CHECK(opened.status().code() == Code::kFailedPrecondition);
    CHECK_THAT(opened.status().message(), Catch::Contains("not a Doorstep store"));
  }
  SECTION("a township server database") {
    if (EncryptionEnabled()) return;
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(fx.DbPath().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA application_id = 1146311473; CREATE TABLE device(x)",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    auto opened = Store::Open(fx.Options());
    CHECK(opened.status().code() == Code::kFailedPrecondition);
    CHECK(opened.status().message() ==
          "this file is a township server database, not a Doorstep store");
  }
}
