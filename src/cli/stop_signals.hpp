// Ctrl-C and SIGTERM for the commands that write the store (scan, watch): the first one asks
// them to stop after committing what is finished; a second one kills at once (SA_RESETHAND).
// The store stays valid either way.
#pragma once

namespace trackprint {
class StopSignal;
}

namespace trackprint::cli {

// From now on, SIGINT and SIGTERM are recorded and request `stop` (when not null).
void catch_stop_signals(StopSignal* stop);

// The signal that came (its number), or 0 until one did.
int stop_signal();

}  // namespace trackprint::cli
