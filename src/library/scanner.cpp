#include "library/scanner.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "analysis/file_analysis.hpp"
#include "core/bounded_queue.hpp"
#include "library/crash_witness.hpp"
#include "library/plan.hpp"
#include "library/scan_lock.hpp"
#include "library/sidecar.hpp"
#include "library/utc_now.hpp"
#include "library/walker.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::library {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kProgressInterval{100};
// A batch is committed at this many rows or this age, whichever comes first: a kill loses at
// most one batch of finished analyses, and a commit costs little next to an analysis.
constexpr int kBatchRows = 64;
constexpr milliseconds kBatchAge{500};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Tags are a convenience: a file whose container cannot be probed now has none, and keeps its
// fingerprint.
Tags read_tags_or_none(const std::string& path) {
  auto tags = analysis::read_tags(path);
  return tags.ok() ? std::move(tags.value()) : Tags{};
}

// The tags of a row analysed before the store kept them; nothing else of it changes.
AnalysisResult tags_of(const FoundFile& f) {
  AnalysisResult r;
  r.path = f.path;
  r.tags_only = true;
  r.tags = read_tags_or_none(f.path);
  return r;
}

// A scan that died with a file in flight three times while retrying it alone blames it even
// without a crash mark (each death could have been a kill; three in a row are not chance).
constexpr std::int64_t kLoneDeathsBeforeBlame = 3;

struct Identity {
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const Identity&) const = default;
};

std::optional<Identity> identity_of(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  return Identity{
      static_cast<std::int64_t>(st.st_size),
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

// A result that stopped at the scan's own cancel: nothing is stored of it (the file stays as it
// was, pending or outdated) but its in-flight mark is cleared, since it did not crash.
bool was_cancelled(const AnalysisResult& r) {
  return r.error && r.error->kind == ErrorKind::cancelled;
}

// `stop` is the scan's own cancel: set, it stops the analysis in hand within a fraction of a
// second instead of at the end of the file.
AnalysisResult analyse(const FoundFile& f, const ScanOptions& options,
                       const std::vector<std::string>& real_roots, const std::atomic<bool>& stop) {
  AnalysisResult r;
  r.path = f.path;
  r.size = f.size;
  r.mtime_ns = f.mtime_ns;
  // The identity stored is the one seen just before reading, and it must still hold after:
  // a file that changed or went away meanwhile may have been read half old, half new.
  const std::optional<Identity> before = identity_of(f.path);
  if (before) {
    r.size = before->size;
    r.mtime_ns = before->mtime_ns;
  }
  r.analysed_at = utc_now();
  if (options.sidecars) {
    r.fingerprint = read_sidecar(f.path, r.size, r.mtime_ns);
    r.from_sidecar = r.fingerprint.has_value();
    if (r.from_sidecar) {
      r.tags = read_tags_or_none(f.path);
      return r;
    }
  }
  const auto start = Clock::now();
  AnalysisOptions limits;
  limits.max_duration_s = options.max_duration_s;
  limits.cancel = &stop;
  auto analysed = analysis::analyze_file_and_tags(f.path, limits);
  r.analysis_s = seconds_since(start);
  if (!analysed.ok() && analysed.error().kind == ErrorKind::cancelled) {
    r.error = analysed.error();
    return r;
  }
  const std::optional<Identity> after = identity_of(f.path);
  if (before && !after) {
    r.error = Error{ErrorKind::io, f.path, "the file disappeared while it was being analysed"};
    return r;
  }
  if (before && after != before) {
    r.error = Error{ErrorKind::io, f.path,
                    "the file changed while it was being analysed; the next scan reads it again"};
    return r;
  }
  if (!analysed.ok()) {
    r.error = analysed.error();
    return r;
  }
  r.fingerprint = std::move(analysed.value().fingerprint);
  r.tags = std::move(analysed.value().tags);
  if (options.sidecars) {
    if (auto why =
            write_sidecar(f.path, r.size, r.mtime_ns, *r.fingerprint, r.analysed_at, real_roots))
      r.warning = Error{ErrorKind::io, sidecar_path(f.path), std::move(*why)};
  }
  return r;
}

// What the writer thread takes: a finished analysis, or the mark of one about to start.
struct WriterItem {
  AnalysisResult result;
  std::string starting;                   // set: a file about to be analysed
  std::promise<bool>* started = nullptr;  // answered once its mark is committed; false: stop
};

// What the workers and the writer share with the reporting thread.
struct Shared {
  std::mutex mutex;
  std::condition_variable changed;
  std::int64_t done = 0;
  std::int64_t failed = 0;
  std::int64_t from_sidecars = 0;
  std::int64_t tags_read = 0;
  std::vector<Error> new_failures;
  std::vector<Error> warnings;
  std::optional<Error> store_error;
  bool writer_finished = false;
};

// The folders of the roots with every symlink resolved: sidecars are written only inside them.
std::vector<std::string> real_folders(const std::vector<std::string>& roots) {
  std::vector<std::string> out;
  for (const std::string& root : roots) {
    std::error_code ec;
    std::filesystem::path real = std::filesystem::canonical(root, ec);
    if (ec) continue;
    if (!std::filesystem::is_directory(real, ec)) real = real.parent_path();
    out.push_back(real.string());
  }
  return out;
}

struct LoneRetry {
  FoundFile file;
  std::int64_t alone_deaths = 0;
};

// What the files left in flight by a dead scan become: retried alone, or blamed (failed, kind
// crashed) when the last scan died while it was the only file in flight.
struct Recovery {
  std::vector<LoneRetry> alone;  // taken out of plan.to_analyse
  std::vector<Error> blamed;
};

Recovery recover_in_flight(Store& store, ScanPlan& plan, bool crashed_before) {
  Recovery out;
  const std::vector<InFlight> marks = store.in_flight();
  if (marks.empty()) return out;
  std::unordered_map<std::string, const InFlight*> by_path;
  for (const InFlight& m : marks) by_path.emplace(m.path, &m);
  std::unordered_set<std::string> changed;
  for (const FoundFile& f : plan.to_pending) changed.insert(f.path);
  std::vector<FoundFile> rest;
  store.begin();
  for (FoundFile& f : plan.to_analyse) {
    const auto it = by_path.find(f.path);
    if (it == by_path.end()) {
      rest.push_back(std::move(f));
      continue;
    }
    const InFlight& mark = *it->second;
    // A file changed since is a new file: it gets a fresh lone try, whatever the old one did.
    const std::int64_t deaths =
        changed.contains(f.path) ? 0 : mark.alone_deaths + (mark.alone ? 1 : 0);
    if (mark.alone && !changed.contains(f.path) &&
        (crashed_before || deaths >= kLoneDeathsBeforeBlame)) {
      const std::string reason =
          "analysing this file crashed trackprint, twice (a defect: please report it with the "
          "file); it is skipped until it changes or 'scan --retry-failed'";
      store.put_crashed(f.path, reason, utc_now());
      out.blamed.push_back(Error{ErrorKind::crashed, f.path, reason});
    } else {
      out.alone.push_back({std::move(f), deaths});
    }
  }
  store.commit();
  plan.to_analyse = std::move(rest);
  return out;
}

// A result is in the store: the counts and the failures to report follow.
void count_stored(Shared& shared, AnalysisResult& r) {
  const std::lock_guard lock(shared.mutex);
  ++shared.done;
  shared.from_sidecars += r.from_sidecar ? 1 : 0;
  if (r.warning) shared.warnings.push_back(std::move(*r.warning));
  if (r.error) {
    ++shared.failed;
    shared.new_failures.push_back(*r.error);
  }
}

void apply_plan(Store& store, const ScanPlan& plan) {
  store.begin();
  for (const FoundFile& f : plan.to_pending) store.put_pending(f.path, f.size, f.mtime_ns);
  for (const StatusChange& c : plan.to_restore) store.set_status(c.id, c.status);
  for (const std::int64_t id : plan.to_mark_missing) store.set_status(id, TrackStatus::missing);
  for (const std::int64_t id : plan.to_delete) store.remove(id);
  store.commit();
}

void write_results(Store& store, BoundedQueue<WriterItem>& results, Shared& shared,
                   std::atomic<bool>& stop) {
  bool broken = false;  // after a store failure, results are drained so workers never block
  int rows = 0;
  Clock::time_point batch_start;
  const auto commit = [&] {
    if (rows > 0) store.commit();
    rows = 0;
  };
  for (;;) {
    WriterItem item;
    const auto got = results.pop(item, kBatchAge);
    AnalysisResult& r = item.result;
    try {
      if (got == BoundedQueue<WriterItem>::Wait::closed) {
        if (!broken) commit();
        break;
      }
      if (broken) {
        if (item.started != nullptr) item.started->set_value(false);
        continue;
      }
      if (got == BoundedQueue<WriterItem>::Wait::timeout) {
        commit();
        continue;
      }
      if (item.started != nullptr && stop) {
        // Cancelled: the file is not started, so it gets no mark to be retried for.
        std::exchange(item.started, nullptr)->set_value(false);
        continue;
      }
      if (rows == 0) {
        store.begin();
        batch_start = Clock::now();
      }
      if (item.started != nullptr) {
        // The mark must be on disk before the analysis starts: it is what a crash leaves.
        store.mark_in_flight(item.starting, false, 0);
        ++rows;
        commit();
        std::promise<bool>* started = std::exchange(item.started, nullptr);
        started->set_value(!stop);
        continue;
      }
      ++rows;
      if (was_cancelled(r)) {
        store.clear_in_flight(r.path);
      } else if (r.tags_only) {
        store.put_tags(r.path, r.tags);
        const std::lock_guard lock(shared.mutex);
        ++shared.tags_read;
      } else {
        store.put_result(r);
        count_stored(shared, r);
      }
      if (rows >= kBatchRows || Clock::now() - batch_start >= kBatchAge) commit();
    } catch (const Failure& e) {
      broken = true;
      stop = true;
      if (item.started != nullptr) item.started->set_value(false);
      const std::lock_guard lock(shared.mutex);
      shared.store_error = Error{e.kind(), store.path(), e.reason()};
    }
  }
  const std::lock_guard lock(shared.mutex);
  shared.writer_finished = true;
  shared.changed.notify_all();
}

}  // namespace

ScanSummary run_scan(Store& store, const std::vector<std::string>& roots,
                     const ScanOptions& options) {
  const auto started = Clock::now();
  ScanSummary summary;
  std::vector<std::string> absolute_roots;
  for (const std::string& r : roots) absolute_roots.push_back(absolute_path(r));

  const auto report = [&](const ScanProgress& p) {
    return !options.progress || options.progress(p);
  };
  std::string busy;
  const std::optional<ScanLock> scan_lock = ScanLock::take(store.path(), busy);
  if (!scan_lock) {
    summary.store_error = Error{ErrorKind::io, store.path(), busy};
    ScanProgress done;
    done.phase = ScanProgress::Phase::finished;
    report(done);
    return summary;
  }
  // Read before this scan's own witness starts watching.
  const bool crashed_before = CrashWitness::take_mark(store.path());
  const CrashWitness witness(store.path());

  auto last_report = Clock::now();
  WalkResult walked = walk(absolute_roots, [&](std::int64_t found) {
    if (Clock::now() - last_report < kProgressInterval) return true;
    last_report = Clock::now();
    ScanProgress p;
    p.found = found;
    if (report(p)) return true;
    summary.cancelled = true;
    return false;
  });
  summary.warnings = std::move(walked.errors);
  ScanProgress final_progress;
  final_progress.phase = ScanProgress::Phase::finished;
  final_progress.found = static_cast<std::int64_t>(walked.files.size());
  if (summary.cancelled) {
    summary.seconds = seconds_since(started);
    report(final_progress);
    return summary;
  }

  ScanPlan plan;
  Recovery recovery;
  try {
    plan = plan_scan(walked, absolute_roots, store.known_rows(),
                     PlanRules{options.retry_failed, options.prune});
    apply_plan(store, plan);
    recovery = recover_in_flight(store, plan, crashed_before);
  } catch (const Failure& e) {
    summary.store_error = Error{e.kind(), store.path(), e.reason()};
    summary.seconds = seconds_since(started);
    report(final_progress);
    return summary;
  }
  // Largest files first: the workers then finish together instead of one of them ending
  // the scan alone on a long track (the store does not depend on the order).
  std::stable_sort(plan.to_analyse.begin(), plan.to_analyse.end(),
                   [](const FoundFile& a, const FoundFile& b) { return a.size > b.size; });
  const auto total = static_cast<std::int64_t>(plan.to_analyse.size() + recovery.alone.size() +
                                               recovery.blamed.size());
  summary.unchanged = plan.unchanged;
  summary.found = plan.unchanged + total;
  final_progress.found = summary.found;  // a file reached from two roots counts once
  summary.missing = static_cast<std::int64_t>(plan.to_mark_missing.size() + plan.to_delete.size());

  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Workers take the analyses, then the tag reads (not counted in the progress: they are quick).
  const std::size_t work = plan.to_analyse.size() + plan.to_read_tags.size();
  const int jobs = std::max(1, std::min(options.jobs > 0 ? options.jobs : cores,
                                        static_cast<int>(std::max<std::size_t>(work, 1))));
  Shared shared;
  shared.done = shared.failed = static_cast<std::int64_t>(recovery.blamed.size());
  shared.new_failures = recovery.blamed;
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> next{0};
  std::atomic<int> running{jobs};
  BoundedQueue<WriterItem> results(static_cast<std::size_t>(2 * jobs));
  const auto analysis_start = Clock::now();
  std::exception_ptr callback_failure;
  const auto ask_to_continue = [&](const ScanProgress& p) {
    try {
      if (!options.progress(p)) {
        summary.cancelled = true;
        stop = true;
      }
    } catch (...) {
      callback_failure = std::current_exception();
      stop = true;
    }
  };
  if (options.progress) {
    // Once before any analysis: a caller learns the total at once, and may still cancel.
    ScanProgress first;
    first.phase = ScanProgress::Phase::analysing;
    first.found = summary.found;
    first.total = total;
    ask_to_continue(first);
  }
  const std::vector<std::string> real_roots = real_folders(absolute_roots);
  // The files a dead scan left in flight, one at a time before any other: if one of them
  // kills the process again, it is the only one in flight, and the next scan blames it.
  for (const LoneRetry& retry : recovery.alone) {
    if (stop) break;
    try {
      store.begin();
      store.mark_in_flight(retry.file.path, true, retry.alone_deaths);
      store.commit();
      AnalysisResult r = analyse(retry.file, options, real_roots, stop);
      store.begin();
      if (was_cancelled(r)) {
        store.clear_in_flight(r.path);  // not a death: the next scan retries it alone afresh
      } else {
        store.put_result(r);
      }
      store.commit();
      if (!was_cancelled(r)) count_stored(shared, r);
    } catch (const Failure& e) {
      shared.store_error = Error{e.kind(), store.path(), e.reason()};
      stop = true;
    }
    if (options.progress && !stop) {
      ScanProgress p;
      p.phase = ScanProgress::Phase::analysing;
      p.found = summary.found;
      p.total = total;
      p.done = shared.done;
      p.failed = shared.failed;
      p.new_failures.swap(shared.new_failures);
      p.elapsed_s = seconds_since(analysis_start);
      ask_to_continue(p);
    }
  }
  {
    std::jthread writer([&] { write_results(store, results, shared, stop); });
    std::vector<std::jthread> workers;
    for (int w = 0; w < jobs; ++w) {
      workers.emplace_back([&] {
        // The analyses, each marked in flight first; then the tag reads (a probe of a file
        // that was decoded whole before, so unmarked).
        const std::size_t analyses = plan.to_analyse.size();
        for (std::size_t i = next++; i < work && !stop; i = next++) {
          if (i >= analyses) {
            results.push(WriterItem{tags_of(plan.to_read_tags[i - analyses]), {}, nullptr});
            continue;
          }
          std::promise<bool> mark;
          std::future<bool> marked = mark.get_future();
          results.push(WriterItem{{}, plan.to_analyse[i].path, &mark});
          if (!marked.get()) break;
          results.push(
              WriterItem{analyse(plan.to_analyse[i], options, real_roots, stop), {}, nullptr});
        }
        if (--running == 0) results.close();
      });
    }

    for (;;) {
      ScanProgress p;
      p.phase = ScanProgress::Phase::analysing;
      p.found = summary.found;
      p.total = total;
      bool finished = false;
      {
        std::unique_lock lock(shared.mutex);
        shared.changed.wait_for(lock, kProgressInterval, [&] { return shared.writer_finished; });
        finished = shared.writer_finished;
        p.done = shared.done;
        p.failed = shared.failed;
        p.new_failures.swap(shared.new_failures);
      }
      if (finished) {
        for (Error& e : p.new_failures) final_progress.new_failures.push_back(std::move(e));
        break;
      }
      p.elapsed_s = seconds_since(analysis_start);
      if (p.done > 0 && p.elapsed_s > 0) {
        p.tracks_per_s = static_cast<double>(p.done) / p.elapsed_s;
        p.eta_s = static_cast<double>(total - p.done) / p.tracks_per_s;
      }
      if (stop || !options.progress) {
        // Reported in the last call instead.
        for (Error& e : p.new_failures) final_progress.new_failures.push_back(std::move(e));
        continue;
      }
      ask_to_continue(p);
    }
  }

  summary.store_error = shared.store_error;
  summary.failed = shared.failed;
  summary.from_sidecars = shared.from_sidecars;
  summary.tags_read = shared.tags_read;
  for (Error& w : shared.warnings) summary.warnings.push_back(std::move(w));
  summary.analysed = shared.done - shared.failed;
  summary.seconds = seconds_since(started);
  if (callback_failure) std::rethrow_exception(callback_failure);
  final_progress.total = total;
  final_progress.done = shared.done;
  final_progress.failed = shared.failed;
  final_progress.elapsed_s = seconds_since(analysis_start);
  if (final_progress.elapsed_s > 0)
    final_progress.tracks_per_s = static_cast<double>(shared.done) / final_progress.elapsed_s;
  final_progress.eta_s = 0;
  report(final_progress);
  return summary;
}

}  // namespace trackprint::library
