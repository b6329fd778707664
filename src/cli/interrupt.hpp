// Ctrl-C (SIGINT) and SIGTERM as a request to stop, for the commands that take long: the first
// signal sets a flag the command hands to the engine (AnalysisOptions::cancel) or polls; the
// handler is then reset, so a second signal kills the process at once.
#pragma once

#include <atomic>

namespace trackprint::cli {

// Installs the handler (once is enough; a command calls it before its long work).
void stop_on_interrupt();
// Set by the first SIGINT or SIGTERM after stop_on_interrupt().
const std::atomic<bool>& interrupted();

}  // namespace trackprint::cli
