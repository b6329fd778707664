// Decides what a scan does, from what the walk found and what the store knows; no I/O, so
// every rule of incremental scanning is a unit test. Identity is (path, size, mtime).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "library/store.hpp"
#include "library/walker.hpp"

namespace trackprint::library {

struct StatusChange {
  std::int64_t id = 0;
  TrackStatus status = TrackStatus::pending;
};

struct ScanPlan {
  std::vector<FoundFile> to_pending;     // new or changed: a pending row before analysis
  std::vector<StatusChange> to_restore;  // missing rows whose file is back unchanged
  std::vector<std::int64_t> to_mark_missing;
  std::vector<std::int64_t> to_delete;  // with prune: rows whose file is gone
  std::vector<FoundFile> to_analyse;    // in walk order
  // Unchanged analysed rows from before the store kept tags: only their tags are read.
  std::vector<FoundFile> to_read_tags;
  std::int64_t unchanged = 0;
};

struct PlanRules {
  bool retry_failed = false;
  bool prune = false;
};

ScanPlan plan_scan(const WalkResult& walk, const std::vector<std::string>& absolute_roots,
                   const std::vector<KnownRow>& known, const PlanRules& rules);

}  // namespace trackprint::library
