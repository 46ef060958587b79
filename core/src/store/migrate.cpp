// Moving a draft to another installed version of its form. A record stays bound to the version it
// was started with until this explicit call; values that cannot be carried over (field removed,
// type changed, choice removed, repeat structure changed) are dropped and reported one by one,
// and remain in the audit trail.
#include "doorstep/core/values.h"
#include "record/values.h"
#include "store/impl.h"

namespace doorstep {
namespace {

// Why `path`/`value` cannot live in `to`; empty when it can.
std::string Incompatibility(const CompiledForm& to, const record::ValueMap& kept,
                            const std::string& path, const v1::Value& value) {
  auto parsed = FieldPath::Parse(path);
  if (!parsed.ok()) return "malformed path";
  const FieldInfo* fi = to.Find(parsed->leaf());
  if (fi == nullptr) return "field removed in version " + to.version();
  size_t depth = parsed->segments.size() - (parsed->is_instance() ? 0 : 1);
  if (parsed->is_instance()) {
    if (fi->def->type() != v1::REPEAT) return "no longer a repeat";
    depth = parsed->segments.size() - 1;
  }
  if (fi->repeats.size() != depth) return "moved into or out of a repeat";
  std::string prefix;
  for (size_t i = 0; i < depth; ++i) {
    const auto& seg = parsed->segments[i];
    if (seg.name != fi->repeats[i]) return "moved to another repeat";
    prefix += (i ? "/" : "") + seg.name + "[" + seg.instance + "]";
    if (!kept.count(prefix)) return "its repeat instance was not carried over";
  }
  if (parsed->is_instance()) return {};
  if (fi->calculate) return {};  // recomputed under the new version
  Status s = record::CheckValue(to, *fi, value, path);
  if (s.ok()) return {};
  if (s.message().find("not a choice") != std::string::npos) {
    return "choice removed in version " + to.version();
  }
  return "type changed to " + std::string(record::TypeName(fi->def->type()));
}

}  // namespace

Result<MigrationReport> Store::MigrateRecord(const RecordId& id, const std::string& to_version,
                                             bool dry_run) {
  DS_RETURN_IF_ERROR(impl_->RequireAuthor());
  DS_ASSIGN_OR_RETURN(auto txn, store::Txn::Begin(*impl_->db));
  DS_ASSIGN_OR_RETURN(LoadedRecord rec, impl_->Load(id));
  if (rec.deleted || rec.state != RecordState::kDraft) {
    return Status(Code::kFailedPrecondition, "only drafts can move to another form version",
                  id.ToString());
  }
  DS_ASSIGN_OR_RETURN(auto to, impl_->Form(rec.form->form_id(), to_version));
  MigrationReport report;
  report.from_version = rec.form->version();
  report.to_version = to_version;
  if (to_version == rec.form->version()) return report;

  // Paths sort parents before children ("members[x]" < "members[x]/age"), so instances are
  // decided before their fields.
  record::ValueMap kept;
  for (const auto& [path, value] : rec.values) {
    if (path[0] == '@') {
      kept.emplace(path, value);
      continue;
    }
    std::string why = Incompatibility(*to, kept, path, value);
    if (why.empty()) {
      kept.emplace(path, value);
      const FieldInfo* fi = to->Find(FieldPath::Parse(path)->leaf());
      if (!fi->calculate) ++report.carried;
    } else {
      report.dropped.push_back({path, why});
    }
  }
  if (dry_run) return report;

  // Rebind to the new version. The dropped values are removed directly (the new form may not
  // know their paths, so they cannot go through edit resolution), each with outbox and audit.
  LoadedRecord moved = rec;
  moved.form = to;
  moved.values = std::move(kept);
  HlcTimestamp ts = impl_->hlc->Now();
  for (const auto& d : report.dropped) {
    DS_RETURN_IF_ERROR(impl_->WriteValue(moved, d.path, &rec.values.at(d.path), nullptr, ts, false));
  }
  ValidationReport unused;
  DS_ASSIGN_OR_RETURN(auto upd, impl_->db->Prepare("UPDATE record SET form_version = ? WHERE id = ?"));
  DS_RETURN_IF_ERROR(upd.Bind(1, to_version).BindBlob(2, id.AsBytes()).Run());
  DS_RETURN_IF_ERROR(impl_->ApplyEdits(moved, {}, false, &unused,
                                       {{std::string(kMetaForm), values::Text(to->key())}})
                         .status());
  DS_RETURN_IF_ERROR(txn->Commit());
  return report;
}

}  // namespace doorstep
