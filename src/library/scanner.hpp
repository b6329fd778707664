// One scan: walk, plan against the store, then the pipeline's workers and its one writer
// (library/pipeline.hpp). The calling thread only reports progress and relays cancellation.
#pragma once

#include <string>
#include <vector>

#include "library/plan.hpp"
#include "library/store.hpp"
#include "trackprint/library.hpp"

namespace trackprint::library {

// Takes the store's scan lock (library/scan_lock.hpp) for its duration unless the caller
// already holds it (`lock_held`: the watch, which keeps it from its first scan to its end).
ScanSummary run_scan(Store& store, const std::vector<std::string>& roots,
                     const ScanOptions& options, bool lock_held = false);

// Writes the plan's pending, restored, missing and deleted rows (inside the caller's
// transaction).
void write_plan(Store& store, const ScanPlan& plan);

// Analysis workers for `jobs` (0: one per core).
int worker_count(int jobs);

}  // namespace trackprint::library
