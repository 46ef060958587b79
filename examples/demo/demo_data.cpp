// Fictional households of the demo village and the household view printed by `doorstep-demo`.
#include "demo_data.h"

#include <algorithm>

#include "doorstep/core/expression.h"
#include "doorstep/core/uuid.h"
#include "doorstep/core/value_text.h"

namespace doorstep::cli::demo {
namespace {

struct Member {
  const char* name;
  const char* id_number;
  const char* relation;
  const char* sex;
  int year, month, day;
  const char* health;
};

struct Household {
  const char* household_no;
  const char* head;
  const char* phone;
  const char* group;
  const char* cause;
  double wage, production, transfer, costs, area;
  std::vector<Member> members;
  const char* member_ids[4];
};

// Invented people and identity numbers (the shape of real ones, belonging to no one).
const std::vector<Household>& Households() {
  static const std::vector<Household> kHouseholds = {
      {"5226310020300001",
       "彭福娥",
       "15792361871",
       "第五村民组",
       "illness",
       12000,
       3200,
       2796,
       1453,
       86.5,
       {{"彭福娥", "52263119761206245X", "head", "female", 1976, 12, 6, "chronic"},
        {"陈平丽", "522631201205018001", "daughter", "female", 2012, 5, 1, "disabled"}},
       {"860398b2-7acf-44ac-8705-8d29dfa31775", "5d988220-b9bd-4720-97ee-0da24396ba99"}},
      {"5226310020300002",
       "吴德华",
       "13885512046",
       "第五村民组",
       "lack_capital",
       18500,
       6400,
       1200,
       2300,
       102,
       {{"吴德华", "522631196803112515", "head", "male", 1968, 3, 11, "healthy"},
        {"杨玉兰", "522631197005204126", "spouse", "female", 1970, 5, 20, "healthy"},
        {"吴海燕", "522631199809013024", "daughter", "female", 1998, 9, 1, "healthy"}},
       {"0b3f5d1e-2a4c-4e6f-8a1b-3c5d7e9f1a2b", "1c4e6f2a-3b5d-4f7a-9b2c-4d6e8f0a2b3c",
        "2d5f7a3b-4c6e-4a8b-8c3d-5e7f9a1b3c4d"}},
      {"5226310020300003",
       "龙志强",
       "18208559313",
       "第三村民组",
       "lack_skills",
       9600,
       2100,
       3600,
       800,
       64,
       {{"龙志强", "522631198107224811", "head", "male", 1981, 7, 22, "healthy"},
        {"龙春梅", "522631195204101224", "parent", "female", 1952, 4, 10, "serious"}},
       {"3e6a8b4c-5d7f-4b9c-9d4e-6f8a0b2c4d5e", "4f7b9c5d-6e8a-4cad-8e5f-7a9b1c3d5e6f"}},
  };
  return kHouseholds;
}

std::string Title(const CompiledForm& form, const std::string& name) {
  const FieldInfo* f = form.Find(name);
  if (f == nullptr || f->def == nullptr || f->def->label().zh().empty()) return name;
  return f->def->label().zh();
}

// The value as a clerk reads it: a choice by its Chinese label.
std::string Text(const CompiledForm& form, const Record& r, const std::string& path) {
  const v1::Value* v = r.Get(path);
  if (v == nullptr) return "-";
  if (v->has_select_one()) {
    const size_t slash = path.rfind('/');
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    const FieldInfo* f = form.Find(name);
    if (f != nullptr && f->choices != nullptr) {
      for (const auto& c : f->choices->choices()) {
        if (c.value() == v->select_one() && !c.label().zh().empty()) return c.label().zh();
      }
    }
  }
  return FormatValueText(*v);
}

}  // namespace

std::string HouseholdHead(int n) {
  return Households().at(static_cast<size_t>(n)).head;
}

std::vector<Edit> HouseholdEdits(int n) {
  const Household& h = Households().at(static_cast<size_t>(n));
  std::vector<Edit> e = {
      Edit::Set("county", values::Text(kCounty)),
      Edit::Set("township", values::Text(kTownship)),
      Edit::Set("village", values::Text(kVillage)),
      Edit::Set("village_group", values::Text(h.group)),
      Edit::Set("household_no", values::Text(h.household_no)),
      Edit::Set("head_name", values::Text(h.head)),
      Edit::Set("phone", values::Text(h.phone)),
      Edit::Set("poverty_status", values::One("poor")),
      Edit::Set("main_cause", values::One(h.cause)),
      Edit::Set("wage_income", values::Dec(h.wage)),
      Edit::Set("production_income", values::Dec(h.production)),
      Edit::Set("transfer_income", values::Dec(h.transfer)),
      Edit::Set("production_costs", values::Dec(h.costs)),
      Edit::Set("housing_area", values::Dec(h.area)),
      Edit::Set("visit_date", values::Day(2026, 11, 20)),
      Edit::Set("surveyor_name", values::Text("刘山林")),
  };
  for (size_t i = 0; i < h.members.size(); ++i) {
    const Member& m = h.members[i];
    const std::string p = "members[" + std::string(h.member_ids[i]) + "]/";
    e.push_back(Edit::AddInstance("members", h.member_ids[i]));
    e.push_back(Edit::Set(p + "m_name", values::Text(m.name)));
    e.push_back(Edit::Set(p + "m_id_number", values::Text(m.id_number)));
    e.push_back(Edit::Set(p + "m_relation", values::One(m.relation)));
    e.push_back(Edit::Set(p + "m_sex", values::One(m.sex)));
    e.push_back(Edit::Set(p + "m_birth_date", values::Day(m.year, m.month, m.day)));
    e.push_back(Edit::Set(p + "m_health", values::One(m.health)));
  }
  return e;
}

Result<std::vector<Edit>> NewMember(Random& random, const std::string& name,
                                    const std::string& relation, const std::string& sex, int year,
                                    int month, int day) {
  DS_ASSIGN_OR_RETURN(Uuid uuid, Uuid::Generate(random));
  const std::string id = uuid.ToString();
  const std::string p = "members[" + id + "]/";
  return std::vector<Edit>{Edit::AddInstance("members", id),
                           Edit::Set(p + "m_name", values::Text(name)),
                           Edit::Set(p + "m_relation", values::One(relation)),
                           Edit::Set(p + "m_sex", values::One(sex)),
                           Edit::Set(p + "m_birth_date", values::Day(year, month, day))};
}

void PrintHousehold(std::ostream& out, Store& store, const RecordId& id,
                    const std::string& indent) {
  auto rec = store.GetRecord(id);
  if (!rec.ok()) {
    out << indent << "(record " << id.ToString() << " not on this tablet)\n";
    return;
  }
  auto form = store.GetForm(rec->form_id, rec->form_version);
  if (!form.ok()) return;
  const CompiledForm& f = **form;
  for (const char* name : {"household_no", "head_name", "village", "village_group", "phone",
                           "wage_income", "housing_area", "household_size", "per_capita_income"}) {
    out << indent << Title(f, name) << " (" << name << "): " << Text(f, *rec, name) << "\n";
  }
  auto members = store.Instances(id, "members");
  if (!members.ok()) return;
  out << indent << Title(f, "members") << ": " << members->size() << "\n";
  int n = 0;
  for (const auto& m : *members) {
    const std::string p = "members[" + m + "]/";
    out << indent << "  [" << ++n << "] " << Text(f, *rec, p + "m_name") << "  "
        << Title(f, "m_relation") << " " << Text(f, *rec, p + "m_relation") << "  "
        << Title(f, "m_age") << " " << Text(f, *rec, p + "m_age") << "\n";
  }
}

bool SameRecord(Store& a, Store& b, const RecordId& id) {
  auto ra = a.GetRecord(id);
  auto rb = b.GetRecord(id);
  if (!ra.ok() || !rb.ok() || ra->values.size() != rb->values.size()) return false;
  for (size_t i = 0; i < ra->values.size(); ++i) {
    if (ra->values[i].path != rb->values[i].path ||
        ra->values[i].value.SerializeAsString() != rb->values[i].value.SerializeAsString()) {
      return false;
    }
  }
  return ra->deleted == rb->deleted;
}

}  // namespace doorstep::cli::demo
