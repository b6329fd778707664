// One scan: walk, plan against the store, then N analysis workers feeding one writer thread
// that commits in batches. The calling thread only reports progress and relays cancellation.
#pragma once

#include <string>
#include <vector>

#include "library/store.hpp"
#include "trackprint/library.hpp"

namespace trackprint::library {

ScanSummary run_scan(Store& store, const std::vector<std::string>& roots,
                     const ScanOptions& options);

}  // namespace trackprint::library
