// Signatures bound to the content they sign: valid, stale after an edit, valid after re-signing.
#include <catch2/catch.hpp>

#include "doorstep/core/signature.h"
#include "test_support.h"

using namespace doorstep;
using namespace doorstep::testing;

namespace {

const char* kForm = R"json({
  "formId": "signed", "version": "1",
  "fields": [
    {"name": "name", "type": "TEXT"},
    {"name": "income", "type": "DECIMAL"},
    {"name": "remark", "type": "TEXT"},
    {"name": "members", "type": "REPEAT", "children": [{"name": "m", "type": "TEXT"}]},
    {"name": "calc", "type": "TEXT", "calculate": "concat(${name}, today())"
},
    {"name": "sig_head", "type": "SIGNATURE", "required": "true()",
     "signature": {"role": "household_head", "allowProxy": true, "covers": ["name", "income", "members"]}},
    {"name": "sig_all", "type": "SIGNATURE", "signature": {"role": "surveyor"}}
  ]
})json";

std::map<std::string, SignatureState> States(Store& store, const RecordId& id) {
  std::map<std::string, SignatureState> m;
  for (const auto& s : store.Signatures(id).value()) m[s.path] = s.state;
  return m;
}

}  // namespace

TEST_CASE("a signature goes stale when a covered field changes and is valid after re-signing",
          "[core][signature]") {
  StoreFixture fx;
  auto store = fx.Open();
  REQUIRE(store->InstallForm(FormJson(kForm)).ok());
  auto id = store->CreateRecord("signed").value();
  REQUIRE(
      store->Apply(id, {Edit::Set("name", Text("王秀英")), Edit::Set("income", Dec(3200))}).ok());
  CHECK(States(*store, id)["sig_head"] == SignatureState::kMissing);

  REQUIRE(store->Sign(id, "sig_head", TestSignature("王秀英")).ok());
  REQUIRE(store->Sign(id, "sig_all", TestSignature("刘山林")).ok());
  CHECK(States(*store, id)["sig_head"] == SignatureState::kValid);
  CHECK(States(*store, id)["sig_all"] == SignatureState::kValid);

  // A field the head's signature does not cover: only the all-covering one goes stale.
  REQUIRE(store->SetValue(id, "remark", Text("门前有狗")).ok());
  CHECK(States(*store, id)["sig_head"] == SignatureState::kValid);
  CHECK(States(*store, id)["sig_all"] == SignatureState::kStale);

  // A covered field: stale, and finalize refuses it.
  REQUIRE(store->SetValue(id, "income", Dec(9000)).ok());
  CHECK(States(*store, id)["sig_head"] == SignatureState::kStale);
  auto report = store->Finalize(id);
  REQUIRE(report.ok());
  REQUIRE_FALSE(report->ok());
  bool stale_reported = false;
  for (const auto& e : report->errors) {
    if (e.path == "sig_head" && e.code == "signature_stale") stale_reported = true;
  }
  CHECK(stale_reported);

  // Changing it back makes the same content, so the signature is valid again.
  REQUIRE(store->SetValue(id, "income", Dec(3200)).ok());
  CHECK(States(*store, id)["sig_head"] == SignatureState::kValid);

  // Adding a member changes covered content; re-signing binds the new content.
  REQUIRE(store->AddInstance(id, "members").ok());
  CHECK(States(*store, id)["sig_head"] == SignatureState::kStale);
  REQUIRE(store->Sign(id, "sig_head", TestSignature("王秀英")).ok());
  REQUIRE(store->Sign(id, "sig_all", TestSignature("刘山林")).ok());
  CHECK(States(*store, id)["sig_head"] == SignatureState::kValid);
  // Calculated fields (here depending on today()) are not covered: a new day keeps it valid.
  fx.clock.AdvanceDays(30);
  REQUIRE(store->SetValue(id, "remark", Text("x")).ok());
  CHECK(States(*store, id)["sig_head"] == SignatureState::kValid);
  REQUIRE(store->Sign(id, "sig_all", TestSignature("刘山林")).ok());
  auto done = store->Finalize(id);
  REQUIRE(done.ok());
  CHECK(done->ok());
  CHECK(States(*store, id)["sig_head"] == SignatureState::kValid);
}

TEST_CASE("signature capture records role, signer and proxy, and checks its input",
          "[core][signature]") {
  StoreFixture fx;
  auto store = fx.Open();
  REQUIRE(store->InstallForm(FormJson(kForm)).ok());
  auto id = store->CreateRecord("signed").value();
  REQUIRE(store->Sign(id, "sig_head", TestSignature("王秀英", "王小明")).ok());
  auto rec = store->GetRecord(id).value();
  const auto& sig = rec.Get("sig_head")->signature();
  CHECK(sig.role() == "household_head");
  CHECK(sig.proxy_signer_name() == "王小明");
  CHECK(sig.content_sha256().size() == 32);
  CHECK(sig.signed_at_ms() == fx.clock.now_ms);
  CHECK(PointCount(sig) == 5);
  auto svg = RenderSvg(sig);
  CHECK_THAT(svg, Catch::Contains("王小明"));

  CHECK(store->Sign(id, "sig_all", TestSignature("刘山林", "别人")).code() ==
        Code::kInvalidArgument);  // no proxy allowed for the surveyor
  SignatureInput empty = TestSignature("刘山林");
  empty.strokes.clear();
  CHECK(store->Sign(id, "sig_all", empty).code() == Code::kInvalidArgument);
  CHECK(store->Sign(id, "sig_all", TestSignature("")).code() == Code::kInvalidArgument);
  CHECK(store->Sign(id, "name", TestSignature("x")).code() == Code::kInvalidArgument);
  auto statuses = store->Signatures(id).value();
  REQUIRE(statuses.size() == 2);
  CHECK(statuses[0].signer_name == "王秀英");
  CHECK(statuses[0].required);
  CHECK(statuses[1].state == SignatureState::kMissing);
}
