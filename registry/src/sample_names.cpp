// Sample generator, building blocks: portable random helpers, Chinese names, village names, phone
// numbers, UUIDs and resident IDs that are valid and unique in the township.

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "doorstep/core/uuid.h"
#include "doorstep/registry/resident_id.h"
#include "sample_internal.h"

namespace doorstep::registry::sample_internal {
namespace {

struct Weighted {
  const char* text;
  int weight;
};

// Surnames of south-east Guizhou (Miao and Dong areas), weighted roughly like the dataset.
constexpr Weighted kSurnames[] = {
    {"吴", 55}, {"杨", 40}, {"潘", 36}, {"龙", 30}, {"石", 25}, {"王", 22}, {"李", 22}, {"张", 20},
    {"刘", 18}, {"陈", 18}, {"罗", 17}, {"韦", 17}, {"胡", 15}, {"彭", 15}, {"赵", 15}, {"黄", 15},
    {"周", 14}, {"陆", 12}, {"蒙", 12}, {"欧", 10}, {"姚", 10}, {"曹", 12}, {"袁", 12}, {"朱", 12},
    {"程", 10}, {"徐", 10}, {"沈", 10}, {"任", 10}, {"蔡", 10}, {"邓", 10}, {"叶", 10}, {"何", 10},
    {"唐", 10}, {"许", 10}, {"韩", 10}, {"冯", 10}, {"郑", 9},  {"谢", 9},  {"魏", 9},  {"肖", 9},
    {"蒋", 9},  {"卢", 9},  {"郭", 8},  {"梁", 8},  {"杜", 8},  {"余", 8},  {"林", 8},  {"董", 8},
    {"高", 8},  {"粟", 6},  {"田", 8},  {"廖", 7},  {"滕", 5},  {"麻", 4},  {"邰", 3},  {"莫", 6},
};

const std::vector<std::string> kMaleChars = {
    "志", "平", "荣", "兴", "刚", "林", "启", "富", "龙", "才", "金", "飞", "鹏", "水",
    "贵", "祥", "海", "永", "光", "超", "华", "山", "勇", "伟", "辉", "强", "峰", "杰",
    "建", "国", "德", "亮", "明", "军", "文", "成", "发", "生", "福", "全", "友", "昌"};
const std::vector<std::string> kFemaleChars = {
    "丽", "娥", "娟", "花", "芳", "莲", "妹", "桂", "红", "燕", "霞", "月", "梅", "云", "秋", "兰",
    "英", "珍", "凤", "静", "玉", "琴", "美", "秀", "翠", "艳", "敏", "春", "香", "银", "菊", "萍"};

const std::vector<std::string> kVillageFirst = {
    "坪", "白", "大", "东", "黑", "石", "北", "西", "新", "松", "高", "老", "水",
    "桥", "中", "龙", "小", "凤", "上", "南", "下", "岩", "竹", "平", "茶", "杉"};
const std::vector<std::string> kVillageSuffix = {"冲", "坝", "寨", "河", "屯", "沟",
                                                 "湾", "岭", "坪", "坡", "溪", "塘"};

const char* const kNumerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

// Ethnicities of the dataset's members, in per mille.
constexpr Weighted kEthnicities[] = {
    {"汉族", 396},  {"苗族", 204}, {"布依族", 90}, {"侗族", 89}, {"彝族", 79},
    {"土家族", 57}, {"水族", 48},  {"白族", 31},   {"壮族", 6},
};

template <size_t N>
const char* PickText(Rng& rng, const Weighted (&table)[N]) {
  std::vector<int> weights;
  weights.reserve(N);
  for (const Weighted& w : table) weights.push_back(w.weight);
  return table[PickWeighted(rng, weights)].text;
}

std::string Digits(Rng& rng, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + UniformInt32(rng, 0, 9)));
  return out;
}

}  // namespace

int64_t UniformInt(Rng& rng, int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  const uint64_t range = static_cast<uint64_t>(hi - lo) + 1;
  // Rejects the low end of the raw range so every result is equally likely.
  const uint64_t threshold = (0 - range) % range;
  uint64_t x = rng();
  while (x < threshold) x = rng();
  return lo + static_cast<int64_t>(x % range);
}

int UniformInt32(Rng& rng, int lo, int hi) {
  return static_cast<int>(UniformInt(rng, lo, hi));
}

double UniformReal(Rng& rng, double lo, double hi) {
  const double unit = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1), 53 random bits
  return lo + (hi - lo) * unit;
}

bool Chance(Rng& rng, double p) {
  return UniformReal(rng, 0, 1) < p;
}

size_t PickWeighted(Rng& rng, const std::vector<int>& weights) {
  int64_t total = 0;
  for (int w : weights) total += w;
  int64_t x = UniformInt(rng, 0, total - 1);
  for (size_t i = 0; i < weights.size(); ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return weights.size() - 1;
}

std::string Surname(Rng& rng) {
  return PickText(rng, kSurnames);
}

std::string GivenName(Rng& rng, bool male) {
  const std::vector<std::string>& chars = male ? kMaleChars : kFemaleChars;
  std::string name = PickOne(rng, chars);
  // About 30% of the dataset's names have a one-character given name.
  if (Chance(rng, 0.7)) {
    std::string second = PickOne(rng, Chance(rng, 0.8) ? chars : kMaleChars);
    while (second == name) second = PickOne(rng, chars);
    name += second;
  }
  return name;
}

std::string PersonName(Rng& rng, bool male) {
  std::string surname = Surname(rng);
  return surname + GivenName(rng, male);
}

std::string VillageName(Rng& rng) {
  const std::string first = PickOne(rng, kVillageFirst);
  std::string second = PickOne(rng, kVillageFirst);
  while (second == first) second = PickOne(rng, kVillageFirst);
  return first + second + PickOne(rng, kVillageSuffix) + "村";
}

std::string GroupName(int number) {
  if (number >= 1 && number <= 10) return std::string("第") + kNumerals[number - 1] + "村民组";
  return "第" + std::to_string(number) + "村民组";
}

std::string PhoneNumber(Rng& rng) {
  static const std::vector<std::string> kPrefixes = {"13", "15", "18", "17", "19"};
  return PickOne(rng, kPrefixes) + Digits(rng, 9);
}

std::string NewUuid(Rng& rng) {
  std::array<uint8_t, 16> bytes{};
  for (size_t i = 0; i < bytes.size(); i += 8) {
    uint64_t x = rng();
    for (size_t k = 0; k < 8; ++k) bytes[i + k] = static_cast<uint8_t>(x >> (8 * k));
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // variant 1
  return Uuid::FromBytes(bytes.data()).ToString();
}

std::string Ethnicity(Rng& rng) {
  return PickText(rng, kEthnicities);
}

int32_t BirthDayForAge(Rng& rng, int age, int32_t on_day) {
  int y = 0, m = 0, d = 0;
  CivilFromDay(on_day, &y, &m, &d);
  // The latest birth day that makes `age` on on_day: the same month and day, `age` years back
  // (28 February for a 29 February in a common year). Any of the 365 days up to it works too.
  const int birth_year = y - age;
  if (!IsValidCivil(birth_year, m, d)) d = 28;
  const int32_t latest = DayFromCivil(birth_year, m, d);
  const int32_t day = latest - UniformInt32(rng, 0, 364);
  return AgeOn(day, on_day) == age ? day : latest;
}

std::string IdAllocator::Allocate(Rng& rng, int32_t birth_day, bool male) {
  char date[16];
  int y = 0, m = 0, d = 0;
  CivilFromDay(birth_day, &y, &m, &d);
  std::snprintf(date, sizeof date, "%04d%02d%02d", y, m, d);
  for (;;) {
    // Sequence: two free digits, then the sex digit (odd for men, even for women).
    const int sex_digit = 2 * UniformInt32(rng, 0, 4) + (male ? 1 : 0);
    std::string first17 = region_ + date + Digits(rng, 2) + static_cast<char>('0' + sex_digit);
    if (!used_.insert(first17).second) continue;
    return first17 + ResidentIdCheckChar(first17);
  }
}

}  // namespace doorstep::registry::sample_internal
