// Received change messages: ValidateChangeSet and ValidatePullPage name the field at fault; pull
// pages convert to the store's input (ToRemote). Split from protocol_wire_test.cpp.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "doorstep/sync/wire.h"
#include "wire_test_entries.h"

namespace doorstep::sync {
namespace {

using wire_testing::Entry;
using wire_testing::Id;
using wire_testing::kMember;

}  // namespace

TEST_CASE("ValidateChangeSet names the change at fault", "[sync][protocol]") {
  Interner interner;
  v1::ChangeSet good;
  good.set_device_id("dev-1");
  good.set_batch_seq(1);
  v1::Value v;
  v.set_text("x");
  AddChange(Entry(Id(1), "village", v, 1), &interner, &good);
  AddChange(Entry(Id(1), std::string(kMember) + "/m_name", std::nullopt, 2), &interner, &good);
  AddChange(Entry(Id(2), "@form", v, 3), &interner, &good);
  AddChange(Entry(Id(2), "head_name", v, 4, {"s2", "d1"}), &interner, &good);
  REQUIRE(ValidateChangeSet(good).ok());

  struct Case {
    const char* what;
    std::function<void(v1::ChangeSet*)> damage;
    std::string where;
  };
  const std::vector<Case> cases = {
      {"short record id", [](v1::ChangeSet* s) { s->mutable_changes(2)->set_record_id("short"); },
       "changes[2].record_id"},
      {"path index out of range",
       [](v1::ChangeSet* s) { s->mutable_changes(1)->set_path_index(9); }, "changes[1].path_index"},
      {"invalid path", [](v1::ChangeSet* s) { *s->mutable_paths(0) = "not a path"; },
       "changes[0].path_index"},
      {"invalid instance id",
       [](v1::ChangeSet* s) { *s->mutable_paths(1) = "members[xyz]/m_name"; },
       "changes[1].path_index"},
      {"unknown metadata", [](v1::ChangeSet* s) { *s->mutable_paths(2) = "@secret"; },
       "changes[2].path_index"},
      {"uppercase instance id (not canonical)",
       [](v1::ChangeSet* s) {
         *s->mutable_paths(1) = "members[3F2A0C1E-5B6D-4E7F-8A9B-0C1D2E3F4A5B]/m_name";
       },
       "changes[1].path_index"},
      {"author index out of range",
       [](v1::ChangeSet* s) { s->mutable_changes(3)->set_author_index(2); },
       "changes[3].author_index"},
      {"neither value nor cleared", [](v1::ChangeSet* s) { s->mutable_changes(0)->clear_value(); },
       "changes[0].value"},
      {"both value and cleared", [](v1::ChangeSet* s) { s->mutable_changes(3)->set_cleared(true); },
       "changes[3].value"},
      {"negative base version",
       [](v1::ChangeSet* s) { s->mutable_changes(1)->set_base_version(-1); },
       "changes[1].base_version"},
      {"unused invalid path", [](v1::ChangeSet* s) { s->add_paths("9lives"); }, "paths[4]"},
      {"batch_seq 0", [](v1::ChangeSet* s) { s->set_batch_seq(0); }, "batch_seq"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    v1::ChangeSet bad = good;
    c.damage(&bad);
    Status st = ValidateChangeSet(bad);
    REQUIRE_FALSE(st.ok());
    CHECK(st.code() == Code::kInvalidArgument);
    CHECK(st.where() == c.where);
  }
}

TEST_CASE("pull pages validate and convert to the store's input", "[sync][protocol]") {
  Interner interner;
  v1::PullPage page;
  auto add_header = [&](uint8_t fill) {
    auto* r = page.add_records();
    r->set_record_id(std::string(16, static_cast<char>(fill)));
    r->set_form_id("household");
    r->set_form_version("2024.1");
    r->set_scope("坪新冲村");
  };
  add_header(1);
  add_header(2);
  auto add = [&](uint8_t fill, const std::string& path, std::optional<std::string> text,
                 int64_t version, Author author) {
    auto* c = page.add_changes();
    c->set_record_id(std::string(16, static_cast<char>(fill)));
    c->set_path_index(interner.Path(path, page.mutable_paths()));
    if (text) {
      c->mutable_value()->set_text(*text);
    } else {
      c->set_cleared(true);
    }
    c->set_version(version);
    c->set_hlc(static_cast<HlcTimestamp>(version) * 1000);
    c->set_author_index(interner.AuthorIndex(author, page.mutable_authors()));
  };
  add(1, "@form", "household@2024.1", 10, {"s1", "d1"});
  add(1, "village", "坪新冲村", 11, {"s1", "d1"});
  add(2, "village", "坪新冲村", 11, {"s2", "d2"});
  add(2, std::string(kMember), std::nullopt, 12, {"s2", "d2"});
  page.set_next_cursor(12);
  page.set_more(true);
  REQUIRE(ValidatePullPage(page).ok());

  std::vector<RemoteRecord> records;
  std::vector<RemoteChange> changes;
  records.push_back({});  // ToRemote replaces what the vectors held
  ToRemote(page, &records, &changes);
  REQUIRE(records.size() == 2);
  CHECK(records[0].id == Id(1));
  CHECK(records[0].form_id == "household");
  CHECK(records[0].form_version == "2024.1");
  REQUIRE(changes.size() == 4);
  CHECK(changes[0].record_id == Id(1));
  CHECK(changes[0].path == "@form");
  REQUIRE(changes[0].value.has_value());
  CHECK(changes[0].value->text() == "household@2024.1");
  CHECK(changes[0].version == 10);
  CHECK(changes[0].hlc == 10000);
  CHECK(changes[0].author == Author{"s1", "d1"});
  CHECK(changes[2].author == Author{"s2", "d2"});
  CHECK(changes[3].path == kMember);
  CHECK_FALSE(changes[3].value.has_value());
  CHECK(ChangePath(page, page.changes(1)) == "village");
  CHECK(ChangeAuthor(page, page.changes(3)) == Author{"s2", "d2"});

  struct Case {
    const char* what;
    std::function<void(v1::PullPage*)> damage;
    std::string where;
  };
  const std::vector<Case> cases = {
      {"bad header id", [](v1::PullPage* p) { p->mutable_records(1)->set_record_id("x"); },
       "records[1].record_id"},
      {"header without form", [](v1::PullPage* p) { p->mutable_records(0)->clear_form_id(); },
       "records[0].form_id"},
      {"header without version",
       [](v1::PullPage* p) { p->mutable_records(0)->clear_form_version(); },
       "records[0].form_version"},
      {"change without header", [](v1::PullPage* p) { p->mutable_records()->RemoveLast(); },
       "changes[2].record_id"},
      {"short change id", [](v1::PullPage* p) { p->mutable_changes(3)->set_record_id(""); },
       "changes[3].record_id"},
      {"path index", [](v1::PullPage* p) { p->mutable_changes(0)->set_path_index(3); },
       "changes[0].path_index"},
      {"author index", [](v1::PullPage* p) { p->mutable_changes(1)->set_author_index(5); },
       "changes[1].author_index"},
      {"no version", [](v1::PullPage* p) { p->mutable_changes(1)->set_version(0); },
       "changes[1].version"},
      {"out of order", [](v1::PullPage* p) { p->mutable_changes(3)->set_version(9); },
       "changes[3].version"},
      {"cursor behind the page", [](v1::PullPage* p) { p->set_next_cursor(11); }, "next_cursor"},
      {"neither value nor cleared",
       [](v1::PullPage* p) { p->mutable_changes(3)->set_cleared(false); }, "changes[3].value"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    v1::PullPage bad = page;
    c.damage(&bad);
    Status st = ValidatePullPage(bad);
    REQUIRE_FALSE(st.ok());
    CHECK(st.code() == Code::kInvalidArgument);
    CHECK(st.where() == c.where);
  }

  // An empty page (nothing new) is valid.
  v1::PullPage empty;
  empty.set_next_cursor(12);
  CHECK(ValidatePullPage(empty).ok());
}

}  // namespace doorstep::sync
