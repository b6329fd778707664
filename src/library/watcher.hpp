// Library::watch (include/trackprint/library.hpp): the first scan, then inotify events turned
// into store changes. Writes of a file are batched until it has been closed and left alone for
// the settle time, then it goes to the extraction queue (library/queue_core.hpp), which answers
// unchanged files from the store; renames pair MOVED_FROM with MOVED_TO by cookie and move rows,
// keeping their fingerprints; deletions mark rows missing. Every store change goes through the
// queue's one writer. Without inotify, or out of watches, the roots are rescanned periodically.
#pragma once

#include <string>
#include <vector>

#include "library/store.hpp"
#include "trackprint/library.hpp"

namespace trackprint::library {

ScanSummary run_watch(Store& store, const std::vector<std::string>& roots,
                      const WatchOptions& options, const StopSignal& stop);

}  // namespace trackprint::library
