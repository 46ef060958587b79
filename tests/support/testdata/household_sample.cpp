#include "household_sample.h"

#include <cmath>
#include <cstdio>

#include "doorstep/core/expression.h"
#include "doorstep/core/uuid.h"
#include "values.h"

namespace doorstep::testdata {
namespace {

std::vector<std::string> g_last_ids;

const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                 "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"};
const char* const kGiven[] = {"秀英", "桂英", "建国", "志强", "丽", "明", "福", "兰", "军",
                              "平", "海燕", "玉兰", "德华", "小红", "文", "春梅", "永", "成"};

template <size_t N>
const char* Pick(std::mt19937_64& rng, const char* const (&arr)[N]) {
  return arr[rng() % N];
}

std::string MemberId(std::mt19937_64& rng) {
  uint8_t b[16];
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  return Uuid::FromBytes(b).ToString();
}

}  // namespace

std::string ResidentId(std::mt19937_64& rng, int year, int month, int day, bool male) {
  char buf[20];
  unsigned seq = static_cast<unsigned>(rng() % 500) * 2 + (male ? 1 : 0);
  std::snprintf(buf, sizeof buf, "522631%04d%02d%02d%03u", year, month, day, seq % 1000);
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kCheck[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (buf[i] - '0') * kWeights[i];
  std::string id(buf, 17);
  id.push_back(kCheck[sum % 11]);
  return id;
}

StrokeList Handwriting(std::mt19937_64& rng, size_t points) {
  StrokeList strokes;
  size_t n_strokes = 2 + rng() % 3;
  uint32_t t = 0;
  size_t left = points;
  double x = 60 + static_cast<double>(rng() % 40);
  for (size_t s = 0; s < n_strokes; ++s) {
    size_t count = s + 1 == n_strokes ? left : points / n_strokes;
    left -= count;
    std::vector<StrokePoint> stroke;
    double y = 120 + static_cast<double>(rng() % 80);
    double phase = static_cast<double>(rng() % 628) / 100.0;
    for (size_t i = 0; i < count; ++i) {
      double k = static_cast<double>(i);
      x += 1.6 + std::sin(k / 7.0 + phase);
      double yy = y + 40 * std::sin(k / 9.0 + phase) + 10 * std::cos(k / 3.0);
      t += 8 + static_cast<uint32_t>(rng() % 6);
      stroke.push_back({static_cast<int32_t>(x), static_cast<int32_t>(yy), t, std::nullopt});
    }
    t += 180;
    x += 25;
    strokes.push_back(std::move(stroke));
  }
  return strokes;
}

std::vector<Edit> HouseholdEdits(std::mt19937_64& rng, const HouseholdOptions& options) {
  g_last_ids.clear();
  std::vector<Edit> e;
  std::string head = std::string(Pick(rng, kSurnames)) + Pick(rng, kGiven);
  char hh_no[20];
  std::snprintf(hh_no, sizeof hh_no, "522631%010llu",
                static_cast<unsigned long long>(rng() % 10000000000ULL));
  e.push_back(Edit::Set("county", Text("黎平县")));
  e.push_back(Edit::Set("township", Text("高屯街道")));
  e.push_back(Edit::Set("village", Text("坪新冲村")));
  e.push_back(Edit::Set("village_group", Text("第五村民组")));
  e.push_back(Edit::Set("household_no", Text(hh_no)));
  e.push_back(Edit::Set("head_name", Text(head)));
  e.push_back(Edit::Set("phone", Text("157" + std::to_string(10000000 + rng() % 89999999))));
  e.push_back(Edit::Set("poverty_status", One("poor")));
  e.push_back(Edit::Set("main_cause", One("illness")));
  v1::Value others;
  others.mutable_select_multiple()->add_values("lack_capital");
  others.mutable_select_multiple()->add_values("lack_skills");
  e.push_back(Edit::Set("other_causes", others));
  e.push_back(Edit::Set("wage_income", Dec(static_cast<double>(rng() % 40000))));
  e.push_back(Edit::Set("production_income", Dec(static_cast<double>(rng() % 15000))));
  e.push_back(Edit::Set("transfer_income", Dec(static_cast<double>(rng() % 5000))));
  e.push_back(Edit::Set("production_costs", Dec(static_cast<double>(rng() % 2000))));
  for (const char* g : {"food_clothing_ok", "education_ok", "medical_ok", "housing_ok", "water_ok"}) {
    e.push_back(Edit::Set(g, One("yes")));
  }
  e.push_back(Edit::Set("housing_danger", One("A")));
  e.push_back(Edit::Set("housing_area", Dec(60 + static_cast<double>(rng() % 1200) / 10.0)));
  v1::Value gps;
  gps.mutable_geopoint()->set_latitude(26.3 + static_cast<double>(rng() % 1000) / 10000.0);
  gps.mutable_geopoint()->set_longitude(107.8 + static_cast<double>(rng() % 1000) / 10000.0);
  gps.mutable_geopoint()->set_accuracy_m(12);
  e.push_back(Edit::Set("gps", gps));
  e.push_back(Edit::Set("visit_date", Day(2026, 11, 20)));
  e.push_back(Edit::Set("surveyor_name", Text("刘山林")));

  static const char* const kRelations[] = {"head", "spouse", "son", "daughter", "parent",
                                           "grandchild", "other"};
  for (int m = 0; m < options.members; ++m) {
    std::string id = MemberId(rng);
    std::string p = "members[" + id + "]/";
    e.push_back(Edit::AddInstance("members", id));
    bool male = rng() % 2 == 0;
    int year = m < 2 ? 1960 + static_cast<int>(rng() % 20) : 1995 + static_cast<int>(rng() % 25);
    int month = 1 + static_cast<int>(rng() % 12);
    int day = 1 + static_cast<int>(rng() % 28);
    std::string rid = ResidentId(rng, year, month, day, male);
    g_last_ids.push_back(rid);
    e.push_back(Edit::Set(p + "m_name", Text(m == 0 ? head : std::string(Pick(rng, kSurnames)) +
                                                                  Pick(rng, kGiven))));
    e.push_back(Edit::Set(p + "m_id_number", Text(rid)));
    e.push_back(Edit::Set(p + "m_relation", One(m == 0 ? "head" : kRelations[1 + rng() % 6])));
    e.push_back(Edit::Set(p + "m_sex", One(male ? "male" : "female")));
    e.push_back(Edit::Set(p + "m_birth_date", Day(year, month, day)));
    e.push_back(Edit::Set(p + "m_education", One(m < 2 ? "primary" : "junior_high")));
    int age = 2026 - year;
    if (age >= 5 && age <= 23) e.push_back(Edit::Set(p + "m_in_school", One("yes")));
    e.push_back(Edit::Set(p + "m_health", One(m == 1 ? "chronic" : "healthy")));
    e.push_back(Edit::Set(p + "m_labor", One(m < 3 ? "ordinary_labor" : "skilled_labor")));
    e.push_back(Edit::Set(p + "m_migrant_months", Int(static_cast<int64_t>(rng() % 13))));
    e.push_back(Edit::Set(p + "m_medical_insurance", One("yes")));
  }
  if (options.sign) {
    auto sig = [&](const char* path, std::string signer) {
      SignatureInput in;
      in.signer_name = std::move(signer);
      in.canvas_width = 600;
      in.canvas_height = 300;
      in.strokes = Handwriting(rng);
      e.push_back(Edit::Sign(path, std::move(in)));
    };
    sig("sig_head", head);
    sig("sig_surveyor", "刘山林");
    sig("sig_leader", "蒋玉林");
  }
  return e;
}

const std::vector<std::string>& LastResidentIds() { return g_last_ids; }

}  // namespace doorstep::testdata
