#include "library/plan.hpp"

#include <unordered_map>
#include <unordered_set>

namespace trackprint::library {
namespace {

bool is_under_any(const std::string& path, const std::vector<std::string>& roots) {
  for (const std::string& r : roots) {
    if (is_under(path, r)) return true;
  }
  return false;
}

}  // namespace

ScanPlan plan_scan(const WalkResult& walk, const std::vector<std::string>& absolute_roots,
                   const std::vector<KnownRow>& known, const PlanRules& rules) {
  std::unordered_map<std::string, const KnownRow*> by_path;
  for (const KnownRow& r : known) by_path.emplace(r.path, &r);

  ScanPlan plan;
  std::unordered_set<std::string> seen;
  for (const FoundFile& f : walk.files) {
    if (!seen.insert(f.path).second) continue;  // two roots overlapping
    const auto it = by_path.find(f.path);
    if (it == by_path.end() || it->second->size != f.size || it->second->mtime_ns != f.mtime_ns) {
      plan.to_pending.push_back(f);
      plan.to_analyse.push_back(f);
      continue;
    }
    const KnownRow& row = *it->second;
    TrackStatus status = row.status;
    if (status == TrackStatus::missing) {
      // Back, unchanged: what was known of it still holds.
      status = row.has_fingerprint ? TrackStatus::analysed
               : row.has_error     ? TrackStatus::failed
                                   : TrackStatus::pending;
      plan.to_restore.push_back({row.id, status});
    }
    const bool analyse = status == TrackStatus::pending ||
                         (status == TrackStatus::analysed && !row.current) ||
                         (status == TrackStatus::failed && rules.retry_failed);
    if (analyse) {
      plan.to_analyse.push_back(f);
    } else {
      ++plan.unchanged;
      if (status == TrackStatus::analysed && !row.tags_read) plan.to_read_tags.push_back(f);
    }
  }

  for (const KnownRow& row : known) {
    if (seen.contains(row.path) || !is_under_any(row.path, absolute_roots) ||
        is_under_any(row.path, walk.unreadable_dirs)) {
      continue;
    }
    if (rules.prune) {
      plan.to_delete.push_back(row.id);
    } else if (row.status != TrackStatus::missing) {
      plan.to_mark_missing.push_back(row.id);
    }
  }
  return plan;
}

}  // namespace trackprint::library
