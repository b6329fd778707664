// Merging results made elsewhere (a cluster's Parquet dataset, another store) into a store:
// which rows win (a pure rule, unit-tested) and the transaction that writes them through the
// same statement a scan's writer uses, so an imported row is stored as a scan would store it.
#pragma once

#include <optional>
#include <vector>

#include "library/store.hpp"
#include "trackprint/library.hpp"

namespace trackprint::library {

enum class MergeAction { add, replace, unchanged, keep };

// What to do with `incoming` (analysed or failed) given the store's row of its path, if any.
MergeAction merge_action(const std::optional<TrackRecord>& stored, const TrackRecord& incoming);

// Validates every record first (invalid_input naming the first bad one: nothing written), then
// writes the winners in one transaction. Throws Failure.
MergeSummary merge_records(Store& store, const std::vector<TrackRecord>& records);

}  // namespace trackprint::library
