// Output of the sync commands (and the demo): the progress bar, sync summaries, conflicts.
// Values appear only where the user asked for them (conflict listings: a reviewer must see every
// candidate value to choose); summaries and progress name counts, ids and fields.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

#include "doorstep/core/store.h"
#include "doorstep/sync.pb.h"
#include "doorstep/sync/client/sync_client.h"

namespace doorstep::cli {

// "512 B", "34.2 KB", "1.6 MB".
std::string FormatBytes(uint64_t bytes);

// A one-line progress display, redrawn in place (\r) on a terminal; silent otherwise.
class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled, std::string label = {});
  ~ProgressBar() { Finish(); }
  void Update(const sync::client::SyncProgress& progress);
  // Draws the last state and ends the line (once).
  void Finish();

 private:
  void Draw(const sync::client::SyncProgress& progress);

  std::ostream& out_;
  bool enabled_;
  bool drawn_ = false;
  std::string label_;
  sync::client::SyncProgress last_;
  std::chrono::steady_clock::time_point last_draw_{};
};

// True when stderr is a terminal (progress bars are drawn only there).
bool StderrIsTerminal();

// The summary of a sync, several lines ("pushed ...", "pulled ...", conflicts, checksums).
void PrintSyncSummary(std::ostream& out, const sync::client::SyncResult& result,
                      const std::string& indent = {});

// One candidate's value as text: the value ("(cleared)" for none); for "@deleted" whether the
// household is deleted or kept; for a repeat instance whether the member is present or removed.
std::string CandidateValueText(const std::string& path, const v1::Conflict::Candidate& candidate);

// A conflict with every candidate (numbered from 1, as `resolve --choose` takes them), author,
// time, and the winner by rule / the resolution. `store` (may be null) supplies field labels for
// records it holds.
void PrintConflict(std::ostream& out, const v1::Conflict& conflict, Store* store,
                   const std::string& lang, int utc_offset_minutes, const std::string& indent = {});

}  // namespace doorstep::cli
