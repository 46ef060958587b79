// The server store conformance suite: every ServerStore implementation (SQLite today, PostgreSQL
// in issue 5) must pass it unchanged.
//
// Two parts, both made of Catch2 SECTIONs, to be called from a TEST_CASE:
//   RunServerStoreConformance  the storage primitives: versions, rollback, records and fields with
//                              their history, batches, conflicts, quarantine, devices, tokens,
//                              forms, pulls by scope and cursor, live-field iteration.
//   RunSyncServiceConformance  the protocol over the store through SyncService (no HTTP): push and
//                              pull, idempotency, scope refusal, conflicts, delete versus edit,
//                              quarantine, resolution, checksums, village moves, clock skew,
//                              pagination.
// Catch2 runs the TEST_CASE once per leaf section; `open` must return a new, empty store every time
// it is called (a section may open two stores to compare them), alive as long as the test case.
#pragma once

#include <functional>
#include <memory>

#include "doorstep/sync/server/store.h"

namespace doorstep::testing::srv {

using StoreFactory = std::function<std::unique_ptr<sync::server::ServerStore>()>;

void RunServerStoreConformance(const StoreFactory& open);
void RunSyncServiceConformance(const StoreFactory& open);

}  // namespace doorstep::testing::srv
