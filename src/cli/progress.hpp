// How `trackprint scan` shows its progress: a live bar on a terminal (stderr, redrawn in
// place, cleared before any other line so output never interleaves with it), periodic plain
// lines when stderr is not a terminal, JSON Lines events on stdout, or nothing.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "trackprint/library.hpp"

namespace trackprint::cli {

enum class ProgressStyle { none, bar, plain, json };

class ProgressDisplay {
 public:
  explicit ProgressDisplay(ProgressStyle style);
  // Called with each snapshot of the scan (on the scan's calling thread).
  void update(const ScanProgress& p);
  // The end: clears the bar and prints the summary (json: a "done" event).
  void finish(const ScanSummary& s, const std::string& store_path, bool quiet);

 private:
  void clear_bar();
  void print_failures(const ScanProgress& p);
  std::string line_for(const ScanProgress& p, bool with_bar) const;

  ProgressStyle style_;
  bool bar_shown_ = false;
  std::chrono::steady_clock::time_point last_line_{};
};

}  // namespace trackprint::cli
