// The library's commands: scan, status, show, export (the store: docs/store.md), and what
// watch (cli/watch_command.cpp) shares with scan: its options, the store, the stop signals.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cli/progress.hpp"
#include "trackprint/library.hpp"

namespace trackprint::cli {

// Each returns the process's exit status; usage errors are reported through `usage`.
int run_scan(const std::vector<std::string>& args);
int run_status(const std::vector<std::string>& args);
int run_show(const std::vector<std::string>& args);
int run_export(const std::vector<std::string>& args);

// Prints a usage error; returns the usage exit status (2).
int usage(const std::string& message);

// What `scan` (and `watch`) are asked to do.
struct ScanCommand {
  std::string db;
  ScanOptions options;
  std::vector<std::string> roots;
  bool quiet = false;
  ProgressStyle style = ProgressStyle::plain;
};
// A command's own option: returns the arguments it took (1, or 2 with its value), 0 for an
// option it does not know, -1 after reporting a usage error.
using ExtraOption =
    std::function<int(const std::string& option, const std::optional<std::string>& value)>;
// The scan's options (--db, --jobs, --retry-failed, --prune, --sidecars, --quiet, --progress)
// and roots; or the exit status of a usage error.
std::variant<ScanCommand, int> parse_scan_command(const std::string& name,
                                                  const std::vector<std::string>& args,
                                                  const ExtraOption& extra);

// The store, or nullopt after printing why it cannot be opened.
std::optional<Library> open_store(const std::string& path, Library::Mode mode);

// Ctrl-C and SIGTERM: stop_signal() tells which came, and `stop` (if any) is requested. A
// second one kills at once (SA_RESETHAND); the store stays valid either way.
void catch_stop_signals(StopSignal* stop);
int stop_signal();  // 0 until one came

}  // namespace trackprint::cli
