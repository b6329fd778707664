// Ctrl-C and SIGTERM for the commands that take long (analyze, scan, watch): the first one asks
// them to stop (the analyses in hand end, what is finished is committed or printed); a second one
// kills at once (SA_RESETHAND). The store stays valid either way.
#pragma once

#include <atomic>

namespace trackprint {
class StopSignal;
}

namespace trackprint::cli {

// From now on, SIGINT and SIGTERM are recorded and request `stop` (when not null).
void catch_stop_signals(StopSignal* stop);

// The signal that came (its number), or 0 until one did.
int stop_signal();

// Set by that signal: what a command hands the engine as AnalysisOptions::cancel, so that the
// analysis in hand stops within a fraction of a second.
const std::atomic<bool>& stop_requested();

}  // namespace trackprint::cli
