// Who is registered where: the resident IDs of the active members of every non-removed household
// on the server, so an import refuses a person who already belongs to another household
// (一人多户, 重复识别; docs/registry.md). Built once per import from the server's live fields
// (deleted records left out), then kept up to date with each household the import accepts. IDs
// are compared normalised (NormalizedResidentId: "x" = "X").
//
// Nothing here is logged; the IDs stay in memory for the length of the import.
//
// Thread rules: one import at a time.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "doorstep/registry/model.h"
#include "doorstep/sync/server/service.h"

namespace doorstep::registry {

class PeopleIndex {
 public:
  struct Entry {
    std::string household_id;  // record UUID
    std::string household_no;
    std::string head_name;
  };

  // Reads every household record of the server (all scopes).
  static Result<PeopleIndex> FromServer(sync::server::SyncService& service);

  // For each active member of `h` whose ID is an active member of another household: the member's
  // index and that household. A household with the same number is the same household (a second
  // record of it is the duplicate-number problem, not this one).
  std::vector<std::pair<size_t, Entry>> Conflicts(const Household& h) const;

  // Replaces whatever the index held for h.id by h's active members (nothing when removed).
  void Put(const Household& h);
  // Drops the people h.id no longer holds (members who left, everybody when removed) and adds
  // nobody: run over a whole group before checking it, so a move recorded in a file is seen
  // whichever household's row comes first.
  void Release(const Household& h);

 private:
  std::multimap<std::string, Entry> by_id_number_;
};

}  // namespace doorstep::registry
