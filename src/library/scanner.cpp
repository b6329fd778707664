#include "library/scanner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "library/crash_witness.hpp"
#include "library/pipeline.hpp"
#include "library/scan_lock.hpp"
#include "library/utc_now.hpp"
#include "library/walker.hpp"

namespace trackprint::library {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kProgressInterval{100};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A scan that died with a file in flight three times while retrying it alone blames it even
// without a crash mark (each death could have been a kill; three in a row are not chance).
constexpr std::int64_t kLoneDeathsBeforeBlame = 3;

// What the writer shares with the reporting thread.
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

}  // namespace

void write_plan(Store& store, const ScanPlan& plan) {
  for (const FoundFile& f : plan.to_pending) store.put_pending(f.path, f.size, f.mtime_ns);
  for (const StatusChange& c : plan.to_restore) store.set_status(c.id, c.status);
  for (const std::int64_t id : plan.to_mark_missing) store.set_status(id, TrackStatus::missing);
  for (const std::int64_t id : plan.to_delete) store.remove(id);
}

ScanSummary run_scan(Store& store, const std::vector<std::string>& roots,
                     const ScanOptions& options, bool lock_held) {
  const auto started = Clock::now();
  ScanSummary summary;
  std::vector<std::string> absolute_roots;
  for (const std::string& r : roots) absolute_roots.push_back(absolute_path(r));

  const auto report = [&](const ScanProgress& p) {
    return !options.progress || options.progress(p);
  };
  ScanProgress final_progress;
  final_progress.phase = ScanProgress::Phase::finished;
  std::string busy;
  const std::optional<ScanLock> scan_lock =
      lock_held ? std::nullopt : ScanLock::take(store.path(), busy);
  if (!lock_held && !scan_lock) {
    summary.store_error = Error{ErrorKind::io, store.path(), busy};
    report(final_progress);
    return summary;
  }
  // A mark found here was left by an earlier process (a crash ends this one). Inside a watch,
  // whose witness is already watching, this scan's witness does nothing.
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
    store.begin();
    write_plan(store, plan);
    store.commit();
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

  // Workers take the analyses, then the tag reads (not counted in the progress: they are quick).
  const std::size_t work = plan.to_analyse.size() + plan.to_read_tags.size();
  const int jobs = std::max(
      1, std::min(worker_count(options.jobs), static_cast<int>(std::max<std::size_t>(work, 1))));
  Shared shared;
  shared.done = shared.failed = static_cast<std::int64_t>(recovery.blamed.size());
  shared.new_failures = recovery.blamed;
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> next{0};
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
  AnalysisSettings settings;
  settings.sidecars = options.sidecars;
  settings.max_duration_s = options.max_duration_s;
  settings.sidecar_folders = real_folders(absolute_roots);
  settings.cancel = &stop;
  const auto progress_so_far = [&] {
    ScanProgress p;
    p.phase = ScanProgress::Phase::analysing;
    p.found = summary.found;
    p.total = total;
    p.done = shared.done;
    p.failed = shared.failed;
    p.new_failures.swap(shared.new_failures);
    p.elapsed_s = seconds_since(analysis_start);
    return p;
  };
  // A file retried alone is analysed on a thread of its own while this one goes on asking the
  // caller whether to continue, as it does while the workers run: otherwise a Ctrl-C during the
  // retry (an hour-long file, or one that hangs) would wait for the whole analysis.
  // The result comes back through `result`, written before get() returns: a future of the
  // result itself would instantiate std::future's result type on an internal class, whose
  // typeinfo libtrackprint.so would then export.
  const auto analyse_alone = [&](const FoundFile& file) {
    std::optional<AnalysisResult> result;
    std::future<void> running = std::async(
        std::launch::async, [&result, &settings, &file] { result = analyse(file, settings); });
    while (options.progress && running.wait_for(kProgressInterval) != std::future_status::ready) {
      if (!stop) ask_to_continue(progress_so_far());
    }
    running.get();  // rethrows what the analysis threw
    return std::move(*result);
  };
  // The files a dead scan left in flight, one at a time before any other: if one of them
  // kills the process again, it is the only one in flight, and the next scan blames it.
  for (const LoneRetry& retry : recovery.alone) {
    if (stop) break;
    try {
      store.begin();
      store.mark_in_flight(retry.file.path, true, retry.alone_deaths);
      store.commit();
      AnalysisResult r = analyse_alone(retry.file);
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
    if (options.progress && !stop) ask_to_continue(progress_so_far());
  }
  {
    PipelineHooks hooks;
    // The analyses, each marked in flight first; then the tag reads, answered without a mark
    // (a probe of a file that was decoded whole before).
    const std::size_t analyses = plan.to_analyse.size();
    std::unordered_set<std::string> tags_to_read;
    for (const FoundFile& f : plan.to_read_tags) tags_to_read.insert(f.path);
    hooks.next = [&]() -> std::optional<FoundFile> {
      const std::size_t i = next++;
      if (stop || i >= work) return std::nullopt;
      return i < analyses ? plan.to_analyse[i] : plan.to_read_tags[i - analyses];
    };
    hooks.recall = [&](const FoundFile& f) -> std::optional<WriterItem> {
      if (!tags_to_read.contains(f.path)) return std::nullopt;
      WriterItem item;
      item.result = tags_of(f);
      return item;
    };
    hooks.committed = [&](WriterItem& item) {
      if (!item.result->tags_only) {
        count_stored(shared, *item.result);
        return;
      }
      const std::lock_guard lock(shared.mutex);
      ++shared.tags_read;
    };
    hooks.store_failed = [&](const Error& e) {
      stop = true;
      const std::lock_guard lock(shared.mutex);
      shared.store_error = e;
    };
    hooks.stopping = [&] { return stop.load(); };
    hooks.finished = [&] {
      const std::lock_guard lock(shared.mutex);
      shared.writer_finished = true;
      shared.changed.notify_all();
    };
    const Pipeline pipeline(store, jobs, std::move(settings), std::move(hooks));

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

int worker_count(int jobs) {
  return jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace trackprint::library
