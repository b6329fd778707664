#include "library/merge.hpp"

#include "library/walker.hpp"

namespace trackprint::library {
namespace {

bool same_identity(const TrackRecord& a, const TrackRecord& b) {
  return a.size == b.size && a.mtime_ns == b.mtime_ns;
}

std::optional<int> version_of(const TrackRecord& t) {
  if (!t.fingerprint) return std::nullopt;
  return t.fingerprint->version;
}

void check_record(const TrackRecord& t) {
  const auto bad = [&t](const std::string& why) {
    return Failure(ErrorKind::invalid_input, "row for " + t.path + ": " + why);
  };
  if (t.path.empty()) throw Failure(ErrorKind::invalid_input, "a row has no path");
  if (t.status == TrackStatus::analysed) {
    if (!t.fingerprint) throw bad("analysed, but it has no fingerprint");
    if (t.error_kind) throw bad("analysed, but it has an error");
  } else if (t.status == TrackStatus::failed) {
    if (!t.error_kind) throw bad("failed, but it has no error kind");
    if (t.fingerprint) throw bad("failed, but it has a fingerprint");
  } else {
    throw bad("status " + std::string(to_string(t.status)) +
              ": only analysed or failed rows merge");
  }
  if (t.engine_version.empty()) throw bad("no engine version");
}

AnalysisResult result_of(const TrackRecord& t) {
  AnalysisResult r;
  r.path = absolute_path(t.path);
  r.size = t.size;
  r.mtime_ns = t.mtime_ns;
  r.fingerprint = t.fingerprint;
  if (t.error_kind) r.error = Error{*t.error_kind, r.path, t.reason};
  r.analysis_s = t.analysis_s;
  r.analysed_at = t.analysed_at;
  r.engine_version = t.engine_version;
  // A row of another build keeps its numbers version (0, unknown, reads as outdated).
  r.numbers_version = t.fingerprint ? (t.numbers_version != 0 ? t.numbers_version : -1) : 0;
  return r;
}

}  // namespace

MergeAction merge_action(const std::optional<TrackRecord>& stored, const TrackRecord& incoming) {
  if (!stored) return MergeAction::add;
  const TrackRecord& s = *stored;
  const bool done = s.status == TrackStatus::analysed || s.status == TrackStatus::failed;
  if (done && same_identity(s, incoming)) {
    if (s.status == incoming.status && s.engine_version == incoming.engine_version &&
        version_of(s) == version_of(incoming))
      return MergeAction::unchanged;
    // Nothing already stored is lost: a failure never displaces a fingerprint of the same file.
    if (s.status == TrackStatus::analysed && incoming.status == TrackStatus::failed)
      return MergeAction::keep;
  }
  if (s.mtime_ns > incoming.mtime_ns) return MergeAction::keep;
  return MergeAction::replace;
}

MergeSummary merge_records(Store& store, const std::vector<TrackRecord>& records) {
  for (const TrackRecord& t : records) check_record(t);
  MergeSummary summary;
  store.begin();
  try {
    for (const TrackRecord& t : records) {
      const AnalysisResult r = result_of(t);
      switch (merge_action(store.by_path(r.path), t)) {
        case MergeAction::add:
          ++summary.added;
          store.put_result(r);
          break;
        case MergeAction::replace:
          ++summary.replaced;
          store.put_result(r);
          break;
        case MergeAction::unchanged:
          ++summary.unchanged;
          break;
        case MergeAction::keep:
          ++summary.kept;
          break;
      }
    }
    store.commit();
  } catch (...) {
    store.rollback();
    throw;
  }
  return summary;
}

}  // namespace trackprint::library
