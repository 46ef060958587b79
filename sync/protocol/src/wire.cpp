// Interned change messages: building (AddChange, BuildBatches) and reading them; validation is in
// wire_validate.cpp.
#include "doorstep/sync/wire.h"

#include "doorstep/core/bytes.h"

#include <algorithm>
#include <cassert>
#include <string_view>
#include <unordered_map>

#include "codec_internal.h"
#include "doorstep/core/path.h"

namespace doorstep::sync {
namespace {

using google::protobuf::RepeatedPtrField;

// Up to this many authors a linear scan of the table beats building a map key (which would copy
// both strings). A message almost always has one author.
constexpr int kAuthorScanLimit = 8;

void FillChange(const OutboxEntry& e, uint32_t path_index, uint32_t author_index,
                v1::FieldChange* c) {
  c->set_record_id(reinterpret_cast<const char*>(e.record_id.bytes.data()),
                   e.record_id.bytes.size());
  c->set_path_index(path_index);
  if (e.value) {
    *c->mutable_value() = *e.value;
  } else {
    c->set_cleared(true);
  }
  c->set_base_version(e.base_version);
  c->set_hlc(e.hlc);
  c->set_author_index(author_index);
}

// A change the server needs in the first batch that names a record it does not know yet: the
// record's "@form", and the change that gives its scope (the village; OutboxEntry::scope holds the
// record's scope value when the entries come from PushableChanges). Without them the server would
// quarantine the record's changes. A record is only split after the last of these.
bool IsHeader(const OutboxEntry& e) {
  if (e.path == kMetaForm) return true;
  if (e.scope.empty() || !e.value) return false;
  return (e.value->kind_case() == v1::Value::kText && e.value->text() == e.scope) ||
         (e.value->kind_case() == v1::Value::kSelectOne && e.value->select_one() == e.scope);
}

// ---------------------------------------------------------------------------------------------
// Batch building.
//
// A batch is grown and shrunk in place: changes are appended with their own interning (keys are
// views into the caller's entries, so lookups allocate nothing) and removed from the tail with the
// paths and authors only they used. Each appended change is also serialized once, into a buffer
// that holds the message's wire bytes section by section (protobuf writes fields in field-number
// order: device_id, batch_seq, paths, authors, changes, device_clock_ms), so the serialized batch
// at any length is a concatenation of prefixes and nothing is serialized twice.
//
// The compressed size is measured by compressing a candidate; the compression ratio of the last
// measurement predicts the length of the next candidate. With homogeneous data (households) two
// or three measurements per batch are the rule (more for the first batch), so batching costs one
// copy, one serialization and a few compression passes over the data: O(n), plus hashing per
// change. Batches end within a few changes of the budget (a record is split after its header,
// see Batch::SnapDown), so a push needs hardly more requests than its compressed bytes fill.
//
// The search measures at the fast level EncodeBody uses for large bodies. A batch small enough
// for EncodeBody's high level (internal::WireLevel) is then measured once more at that level (as
// costly as sending it, so batching stays within twice the cost of encoding); the ratio of the
// two sizes ("gain") lets the next batch's fast search aim at what the high level will fit.
// Should the exact measurement not fit, the search runs again measuring at the exact level.
// Every batch returned was measured with the level EncodeBody will send it with.

// Fraction of max_bytes a candidate aims at, and the fill at which a fitting batch is taken
// without trying a longer one.
// bench_sync at 10,000 households: 0.97 / 0.93 with cuts at record boundaries only filled batches
// to 94-96% on average (98 pushes where 93 carry the bytes).
constexpr double kTargetFill = 0.9985;
constexpr double kAcceptFill = 0.9965;
// Headroom when the fast search aims at what the high level will fit (the gain varies a little).
constexpr double kGainMargin = 0.98;
// Measurements per batch (at the fast level) before settling for the longest one known to fit.
constexpr int kMaxProbes = 12;
// The batch is measured with a plausible device clock (the client stamps the real one when it
// sends); its 8 bytes may compress a little differently, which this margin covers (and the 2
// bytes of `compact_results`, which the client sets too).
constexpr uint64_t kClockPlaceholder = 1795399200000;
constexpr size_t kClockSlack = 20;

using bytes::AppendVarint;

void AppendLenField(std::string* out, char tag, std::string_view bytes) {
  out->push_back(tag);
  AppendVarint(out, bytes.size());
  out->append(bytes);
}

// Wire tags (field number << 3 | wire type) of ChangeSet and AuthorRef.
constexpr char kTagDeviceId = 0x0a;      // ChangeSet.device_id, length-delimited
constexpr char kTagBatchSeq = 0x10;      // ChangeSet.batch_seq, varint
constexpr char kTagPaths = 0x1a;         // ChangeSet.paths
constexpr char kTagAuthors = 0x22;       // ChangeSet.authors
constexpr char kTagChanges = 0x2a;       // ChangeSet.changes
constexpr char kTagClock = 0x31;         // ChangeSet.device_clock_ms, fixed64
constexpr char kTagSurveyor = 0x0a;      // AuthorRef.surveyor_id
constexpr char kTagAuthorDevice = 0x12;  // AuthorRef.device_id

using AuthorKey = std::pair<std::string_view, std::string_view>;  // surveyor, device

struct AuthorKeyHash {
  size_t operator()(const AuthorKey& k) const {
    return std::hash<std::string_view>()(k.first) * 31 + std::hash<std::string_view>()(k.second);
  }
};

// Buffers and interning tables reused by every batch of one BuildBatches call (cleared, not
// freed, between batches). Keys are views into the caller's entries.
struct Scratch {
  std::string head, paths, authors, changes, tail;  // wire bytes by section
  std::string raw, packed;                          // one candidate, serialized and compressed
  std::unordered_map<std::string_view, uint32_t> path_index;
  std::unordered_map<AuthorKey, uint32_t, AuthorKeyHash> author_index;
};

class Batch {
 public:
  Batch(const std::vector<OutboxEntry>& entries, size_t start, const std::string& device_id,
        uint64_t seq, Scratch* scratch)
      : entries_(entries), start_(start), w_(*scratch) {
    set_.set_device_id(device_id);
    set_.set_batch_seq(seq);
    w_.head.clear();
    if (!device_id.empty()) AppendLenField(&w_.head, kTagDeviceId, device_id);
    if (seq != 0) {
      w_.head.push_back(kTagBatchSeq);
      AppendVarint(&w_.head, seq);
    }
    w_.tail.assign(1, kTagClock);
    for (int i = 0; i < 8; ++i) w_.tail.push_back(static_cast<char>(kClockPlaceholder >> (8 * i)));
    w_.paths.clear();
    w_.authors.clear();
    w_.changes.clear();
    w_.path_index.clear();
    w_.author_index.clear();
  }

  size_t count() const { return ends_.size(); }
  // Serialized size with the first `k` changes (k <= count()).
  size_t SizeAt(size_t k) const {
    if (k == 0) return w_.head.size() + w_.tail.size();
    const Ends& e = ends_[k - 1];
    return w_.head.size() + e.paths_bytes + e.authors_bytes + e.changes_bytes + w_.tail.size();
  }
  size_t size() const { return SizeAt(count()); }

  void Append() {
    const OutboxEntry& e = entries_[start_ + count()];
    auto [pit, new_path] = w_.path_index.try_emplace(std::string_view(e.path),
                                                     static_cast<uint32_t>(set_.paths_size()));
    if (new_path) {
      set_.add_paths(e.path);
      AppendLenField(&w_.paths, kTagPaths, e.path);
    }
    // Consecutive changes nearly always share their author: skip the lookup then.
    uint32_t author;
    if (count() > 0 && e.author == entries_[start_ + count() - 1].author) {
      author = set_.changes(set_.changes_size() - 1).author_index();
    } else {
      auto [ait, new_author] =
          w_.author_index.try_emplace(AuthorKey(e.author.surveyor_id, e.author.device_id),
                                      static_cast<uint32_t>(set_.authors_size()));
      author = ait->second;
      if (new_author) AddAuthor(e.author);
    }
    v1::FieldChange* c = set_.add_changes();
    FillChange(e, pit->second, author, c);
    size_t n = c->ByteSizeLong();
    w_.changes.push_back(kTagChanges);
    AppendVarint(&w_.changes, n);
    size_t at = w_.changes.size();
    w_.changes.resize(at + n);
    c->SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(w_.changes.data() + at));
    ends_.push_back({static_cast<uint32_t>(set_.paths_size()),
                     static_cast<uint32_t>(set_.authors_size()), w_.paths.size(), w_.authors.size(),
                     w_.changes.size()});
  }

  void AddAuthor(const Author& author) {
    v1::AuthorRef* a = set_.add_authors();
    a->set_surveyor_id(author.surveyor_id);
    a->set_device_id(author.device_id);
    std::string ref;
    if (!author.surveyor_id.empty()) AppendLenField(&ref, kTagSurveyor, author.surveyor_id);
    if (!author.device_id.empty()) AppendLenField(&ref, kTagAuthorDevice, author.device_id);
    AppendLenField(&w_.authors, kTagAuthors, ref);
  }

  // Keeps the first `k` changes (k <= count()).
  void Truncate(size_t k) {
    if (k >= count()) return;
    Ends keep = k == 0 ? Ends{} : ends_[k - 1];
    for (int i = static_cast<int>(keep.paths); i < set_.paths_size(); ++i) {
      w_.path_index.erase(std::string_view(set_.paths(i)));
    }
    for (int i = static_cast<int>(keep.authors); i < set_.authors_size(); ++i) {
      const v1::AuthorRef& a = set_.authors(i);
      w_.author_index.erase(AuthorKey(a.surveyor_id(), a.device_id()));
    }
    auto cut = [](auto* field, int n) {
      if (field->size() > n) field->DeleteSubrange(n, field->size() - n);
    };
    cut(set_.mutable_changes(), static_cast<int>(k));
    cut(set_.mutable_paths(), static_cast<int>(keep.paths));
    cut(set_.mutable_authors(), static_cast<int>(keep.authors));
    w_.paths.resize(keep.paths_bytes);
    w_.authors.resize(keep.authors_bytes);
    w_.changes.resize(keep.changes_bytes);
    ends_.resize(k);
  }

  // The compressed size of the batch as it stands (plus the clock margin), at the level EncodeBody
  // will use (exact) or at the fast level of large bodies.
  Result<size_t> Measure(Encoding encoding, bool exact) {
    if (encoding == Encoding::kIdentity) return size();
    w_.raw.clear();
    w_.raw.reserve(size());
    w_.raw += w_.head;
    w_.raw += w_.paths;
    w_.raw += w_.authors;
    w_.raw += w_.changes;
    w_.raw += w_.tail;
#ifndef NDEBUG
    // The sections must be exactly what protobuf writes for the whole message.
    set_.set_device_clock_ms(kClockPlaceholder);
    assert(set_.SerializeAsString() == w_.raw);
    set_.clear_device_clock_ms();
#endif
    int level = internal::WireLevel(encoding, exact ? w_.raw.size() : SIZE_MAX);
    DS_RETURN_IF_ERROR(internal::CompressInto(w_.raw, encoding, level, &w_.packed));
    return w_.packed.size() + kClockSlack;
  }

  // True when the fast measurement is not the one EncodeBody will make.
  bool NeedsExactCheck(Encoding encoding) const {
    return internal::WireLevel(encoding, size()) != internal::WireLevel(encoding, SIZE_MAX);
  }

  // The longest length in (lo, k] at which the batch may end, or lo when there is none: a record
  // boundary (or the end of input), or any change of a record after its header (see IsHeader).
  // A record is thus split only where the part sent first lets the server place it.
  size_t SnapDown(size_t k, size_t lo) const {
    if (k <= lo) return lo;
    const size_t pos = start_ + k;
    if (pos >= entries_.size() || entries_[pos].record_id != entries_[pos - 1].record_id) return k;
    const RecordId& id = entries_[pos].record_id;
    size_t first = pos - 1;  // the first change of this run of the record
    while (first > 0 && entries_[first - 1].record_id == id) --first;
    size_t header_end = first;
    for (size_t i = first; i < entries_.size() && entries_[i].record_id == id; ++i) {
      if (IsHeader(entries_[i])) header_end = i + 1;
    }
    if (pos >= header_end) return k;
    return first > start_ + lo ? first - start_ : lo;  // the record's start, if in (lo, k)
  }

  v1::ChangeSet Finish() {
    return std::move(set_);
  }

 private:
  // Table sizes and section lengths after each change.
  struct Ends {
    uint32_t paths = 0;
    uint32_t authors = 0;
    size_t paths_bytes = 0;
    size_t authors_bytes = 0;
    size_t changes_bytes = 0;
  };
  const std::vector<OutboxEntry>& entries_;
  size_t start_;
  Scratch& w_;
  v1::ChangeSet set_;
  std::vector<Ends> ends_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Interner

uint32_t Interner::Path(const std::string& path, RepeatedPtrField<std::string>* table) {
  auto [it, inserted] = paths_.try_emplace(path, static_cast<uint32_t>(table->size()));
  if (inserted) table->Add()->assign(path);
  return it->second;
}

uint32_t Interner::AuthorIndex(const Author& author, RepeatedPtrField<v1::AuthorRef>* table) {
  if (table->size() <= kAuthorScanLimit) {
    for (int i = 0; i < table->size(); ++i) {
      const v1::AuthorRef& a = table->Get(i);
      if (a.device_id() == author.device_id && a.surveyor_id() == author.surveyor_id) {
        return static_cast<uint32_t>(i);
      }
    }
  } else {
    auto it = authors_.find({author.surveyor_id, author.device_id});
    if (it != authors_.end()) return it->second;
  }
  auto index = static_cast<uint32_t>(table->size());
  authors_.emplace(std::make_pair(author.surveyor_id, author.device_id), index);
  v1::AuthorRef* a = table->Add();
  a->set_surveyor_id(author.surveyor_id);
  a->set_device_id(author.device_id);
  return index;
}

void Interner::Clear() {
  paths_.clear();
  authors_.clear();
}

void AddChange(const OutboxEntry& entry, Interner* interner, v1::ChangeSet* set) {
  uint32_t path = interner->Path(entry.path, set->mutable_paths());
  uint32_t author = interner->AuthorIndex(entry.author, set->mutable_authors());
  FillChange(entry, path, author, set->add_changes());
}

// ---------------------------------------------------------------------------------------------
// BuildBatches

namespace {

// How a search measures candidates.
struct Probe {
  Encoding encoding;
  size_t max_bytes;
  // false: measure at the fast level. A candidate small enough to be sent at the high level then
  // may measure up to max_bytes / gain, gain being the high level's size relative to the fast
  // one, as last seen (so the fast search already aims at what the high level will fit).
  // true: measure at the level EncodeBody will use, against max_bytes.
  bool exact;
  double gain;

  bool HighLevel(size_t raw) const {
    return internal::WireLevel(encoding, raw) != internal::WireLevel(encoding, SIZE_MAX);
  }
  // The most a candidate of `raw` serialized bytes may measure.
  double Allowed(size_t raw) const {
    double max = static_cast<double>(max_bytes);
    return !exact && HighLevel(raw) ? max * kGainMargin / gain : max;
  }
};

struct Cut {
  size_t n = 0;      // changes
  size_t bytes = 0;  // as measured (0 when nothing was)
};

// Finds how many changes the batch `b` takes: the longest measured length that fits, searched
// between `known` (fits; n = 0: nothing known) and `hi` (known not to fit). `ratio` carries the
// compression ratio from measurement to measurement and batch to batch. At most `max_probes`
// measurements once something fits.
Cut FindCut(Batch& b, Cut known, size_t hi, size_t avail, const Probe& p, int max_probes,
            double* ratio) {
  size_t lo = known.n;
  size_t lo_bytes = known.bytes;
  const double max = static_cast<double>(p.max_bytes);
  for (int probe = 0; probe < max_probes || lo == 0; ++probe) {
    if (hi - lo <= 1 || lo == avail) break;
    // The length whose predicted compressed size is kTargetFill of what it may measure, kept in
    // (lo, hi). Up to kHighLevelMaxRaw the high level applies, beyond it the fast one.
    const double high_max = static_cast<double>(internal::kHighLevelMaxRaw);
    double target = kTargetFill * p.Allowed(0) / *ratio;
    if (target > high_max) target = std::max(kTargetFill * max / *ratio, p.exact ? 0.0 : high_max);
    if (p.exact) target = std::min(target, high_max);
    while (b.count() < hi - 1 && static_cast<double>(b.size()) <= target) b.Append();
    size_t k = b.count();
    while (k > lo + 1 && static_cast<double>(b.SizeAt(k)) > target) --k;
    k = std::clamp(k, lo + 1, hi - 1);
    // End at a record boundary or inside a record after its header (Batch::SnapDown), so a
    // batch fills to within a few changes of the budget. When no such place is left to try,
    // settle for what fits, unless that is under half the budget (a record whose header alone is
    // larger than a batch is split anyway; the next one may start here).
    size_t snapped = b.SnapDown(k, lo);
    if (snapped == lo) {
      if (lo > 0 && 2 * lo_bytes >= p.max_bytes) break;
      snapped = k;
    }
    while (b.count() < snapped) b.Append();
    b.Truncate(snapped);
    Result<size_t> measured = b.Measure(p.encoding, p.exact);
    // Compression fails only when memory runs out, which BuildBatches cannot report; the
    // serialized size stands in (an upper bound in practice), and EncodeBody will fail loudly.
    size_t c = measured.ok() ? *measured : b.size();
    *ratio = std::max(static_cast<double>(c) / static_cast<double>(b.size()), 1e-3);
    double allowed = p.Allowed(b.size());
    if (static_cast<double>(c) <= allowed) {
      lo = snapped;
      lo_bytes = c;
      if (static_cast<double>(c) >= kAcceptFill * allowed) break;
    } else {
      hi = snapped;
    }
  }
  if (lo == 0) return {1, 0};  // the first change alone is over the budget: it goes alone
  return {lo, lo_bytes};
}

}  // namespace

std::vector<v1::ChangeSet> BuildBatches(const std::vector<OutboxEntry>& entries,
                                        const std::string& device_id, uint64_t first_seq,
                                        size_t max_bytes, Encoding encoding) {
  std::vector<v1::ChangeSet> out;
  Scratch scratch;
  // Compressed bytes per serialized byte at the fast level; refined by every measurement and
  // carried to the next batch (households look alike, so the previous batch predicts the next).
  double ratio = encoding == Encoding::kIdentity ? 1.0 : 0.5;
  double gain = 1.0;  // high level / fast level, from the last batch measured at both
  size_t start = 0;
  uint64_t seq = first_seq;
  while (start < entries.size()) {
    const size_t avail = entries.size() - start;
    Batch b(entries, start, device_id, seq, &scratch);
    Cut cut =
        FindCut(b, {}, avail + 1, avail, {encoding, max_bytes, false, gain}, kMaxProbes, &ratio);
    while (b.count() < cut.n) b.Append();
    b.Truncate(cut.n);
    if (cut.n > 1 && b.NeedsExactCheck(encoding)) {
      // Measure at the level EncodeBody will use (costing what sending the batch costs anyway).
      // Shrink if over; if it left room (the gain was not known yet), try once to grow.
      Result<size_t> measured = b.Measure(encoding, true);
      size_t c = measured.ok() ? *measured : b.size();
      if (cut.bytes > 0) {
        gain = std::clamp(static_cast<double>(c) / static_cast<double>(cut.bytes), 0.25, 1.0);
      }
      double exact_ratio = static_cast<double>(c) / static_cast<double>(b.size());
      const Probe exact{encoding, max_bytes, true, 1.0};
      if (c > max_bytes) {
        cut = FindCut(b, {}, cut.n, avail, exact, kMaxProbes, &exact_ratio);
      } else if (static_cast<double>(c) < kAcceptFill * static_cast<double>(max_bytes)) {
        cut = FindCut(b, {cut.n, c}, avail + 1, avail, exact, 1, &exact_ratio);
      }
      while (b.count() < cut.n) b.Append();
      b.Truncate(cut.n);
    }
    out.push_back(b.Finish());
    start += cut.n;
    ++seq;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Accessors

RecordId ChangeRecordId(const v1::FieldChange& change) {
  return Uuid::FromBytes(change.record_id().data());
}

const std::string& ChangePath(const v1::ChangeSet& set, const v1::FieldChange& change) {
  return set.paths(static_cast<int>(change.path_index()));
}

const std::string& ChangePath(const v1::PullPage& page, const v1::FieldChange& change) {
  return page.paths(static_cast<int>(change.path_index()));
}

Author ChangeAuthor(const v1::ChangeSet& set, const v1::FieldChange& change) {
  const v1::AuthorRef& a = set.authors(static_cast<int>(change.author_index()));
  return Author{a.surveyor_id(), a.device_id()};
}

Author ChangeAuthor(const v1::PullPage& page, const v1::FieldChange& change) {
  const v1::AuthorRef& a = page.authors(static_cast<int>(change.author_index()));
  return Author{a.surveyor_id(), a.device_id()};
}

void ToRemote(const v1::PullPage& page, std::vector<RemoteRecord>* records,
              std::vector<RemoteChange>* changes) {
  records->clear();
  changes->clear();
  records->reserve(static_cast<size_t>(page.records_size()));
  for (const v1::RecordHeader& r : page.records()) {
    records->push_back(
        RemoteRecord{Uuid::FromBytes(r.record_id().data()), r.form_id(), r.form_version()});
  }
  changes->reserve(static_cast<size_t>(page.changes_size()));
  for (const v1::FieldChange& c : page.changes()) {
    RemoteChange& rc = changes->emplace_back();
    rc.record_id = ChangeRecordId(c);
    rc.path = ChangePath(page, c);
    if (!c.cleared()) rc.value = c.value();
    rc.version = c.version();
    rc.hlc = c.hlc();
    rc.author = ChangeAuthor(page, c);
  }
}

}  // namespace doorstep::sync
