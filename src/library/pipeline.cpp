#include "library/pipeline.hpp"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <utility>

#include "analysis/file_analysis.hpp"
#include "library/sidecar.hpp"
#include "library/utc_now.hpp"

namespace trackprint::library {
namespace {

using Clock = std::chrono::steady_clock;

// A batch is committed at this many rows or this age, or as soon as no further item waits:
// a kill loses at most one batch of finished analyses, and a commit costs little next to an
// analysis.
constexpr std::size_t kBatchRows = 64;
constexpr std::chrono::milliseconds kBatchAge{500};

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

}  // namespace

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

Tags read_tags_or_none(const std::string& path) {
  auto tags = analysis::read_tags(path);
  return tags.ok() ? std::move(tags.value()) : Tags{};
}

AnalysisResult tags_of(const FoundFile& f) {
  AnalysisResult r;
  r.path = f.path;
  r.tags_only = true;
  r.tags = read_tags_or_none(f.path);
  return r;
}

bool was_cancelled(const AnalysisResult& r) {
  return r.error && r.error->kind == ErrorKind::cancelled;
}

AnalysisResult analyse(const FoundFile& f, const AnalysisSettings& settings) {
  AnalysisResult r;
  r.path = f.path;
  r.size = f.size;
  r.mtime_ns = f.mtime_ns;
  const std::optional<Identity> before = identity_of(f.path);
  if (before) {
    r.size = before->size;
    r.mtime_ns = before->mtime_ns;
  }
  r.analysed_at = utc_now();
  if (settings.sidecars) {
    r.fingerprint = read_sidecar(f.path, r.size, r.mtime_ns);
    r.from_sidecar = r.fingerprint.has_value();
    if (r.from_sidecar) {
      r.tags = read_tags_or_none(f.path);
      return r;
    }
  }
  const auto start = Clock::now();
  AnalysisOptions limits;
  limits.max_duration_s = settings.max_duration_s;
  limits.cancel = settings.cancel;
  auto analysed = analysis::analyze_file_and_tags(f.path, limits);
  r.analysis_s = std::chrono::duration<double>(Clock::now() - start).count();
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
  if (settings.sidecars) {
    const std::vector<std::string> own_folder =
        settings.sidecar_folders.empty()
            ? real_folders({std::filesystem::path(f.path).parent_path().string()})
            : std::vector<std::string>{};
    const std::vector<std::string>& folders =
        settings.sidecar_folders.empty() ? own_folder : settings.sidecar_folders;
    if (auto why =
            write_sidecar(f.path, r.size, r.mtime_ns, *r.fingerprint, r.analysed_at, folders))
      r.warning = Error{ErrorKind::io, sidecar_path(f.path), std::move(*why)};
  }
  return r;
}

Pipeline::Pipeline(Store& store, int workers, AnalysisSettings settings, PipelineHooks hooks,
                   int worker_nice)
    : store_(store),
      settings_(std::move(settings)),
      hooks_(std::move(hooks)),
      items_(static_cast<std::size_t>(2 * workers)),
      running_(workers) {
  writer_ = std::jthread([this] { write(); });
  for (int w = 0; w < workers; ++w)
    workers_.emplace_back([this, worker_nice] { work(worker_nice); });
}

Pipeline::~Pipeline() {
  join();
}

void Pipeline::join() {
  for (std::jthread& w : workers_) {
    if (w.joinable()) w.join();
  }
  if (writer_.joinable()) writer_.join();
}

bool Pipeline::send(WriterItem item) {
  return items_.push(std::move(item));
}

void Pipeline::work(int nice) {
  // Linux gives each thread its own nice value: this worker's, not the process's.
  if (nice > 0 && setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice) != 0) {
    // Not allowed, or not Linux: the worker runs at the process's priority.
  }
  while (std::optional<FoundFile> file = hooks_.next()) {
    std::optional<WriterItem> answer;
    if (hooks_.recall) answer = hooks_.recall(*file);
    if (!answer) {
      // The mark must be on disk before the analysis starts: it is what a crash leaves.
      std::promise<bool> mark;
      std::future<bool> marked = mark.get_future();
      WriterItem starting;
      starting.starting = file->path;
      starting.started = &mark;
      if (!items_.push(std::move(starting)) || !marked.get()) break;
      answer.emplace();
      answer->result = analyse(*file, settings_);
    }
    items_.push(std::move(*answer));
  }
  if (--running_ == 0) items_.close();
}

void Pipeline::write() {
  bool broken = false;  // after a store failure, items are drained so workers never block
  std::vector<WriterItem> batch;
  Clock::time_point batch_start;
  bool open = false;  // a transaction is open
  const auto commit = [&] {
    if (!open) return;
    store_.commit();
    open = false;
    for (WriterItem& item : batch) {
      if (hooks_.committed) hooks_.committed(item);
      if (item.committed) item.committed();
    }
    batch.clear();
  };
  for (;;) {
    WriterItem item;
    // With a batch open, only what is already waiting joins it; idle, the writer sleeps.
    const auto got = open ? items_.pop(item, std::chrono::milliseconds(0)) : items_.pop(item);
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
      if (item.started != nullptr && hooks_.stopping && hooks_.stopping()) {
        // Stopped: the file is not started, so it gets no mark to be retried for.
        std::exchange(item.started, nullptr)->set_value(false);
        continue;
      }
      if (!open) {
        store_.begin();
        open = true;
        batch_start = Clock::now();
      }
      if (item.started != nullptr) {
        store_.mark_in_flight(item.starting, false, 0);
        commit();  // the batch with it: finished results are handed over no later
        std::exchange(item.started, nullptr)->set_value(true);
        continue;
      }
      if (item.result && was_cancelled(*item.result)) {
        store_.clear_in_flight(item.result->path);  // stopped, not crashed: nothing stored
        continue;
      }
      if (item.change) item.change(store_);
      if (item.result && item.write_result) {
        if (item.result->tags_only)
          store_.put_tags(item.result->path, item.result->tags);
        else
          store_.put_result(*item.result);
      }
      batch.push_back(std::move(item));
      if (batch.size() >= kBatchRows || Clock::now() - batch_start >= kBatchAge) commit();
    } catch (const Failure& e) {
      broken = true;
      batch.clear();
      if (item.started != nullptr) item.started->set_value(false);
      if (hooks_.store_failed) hooks_.store_failed(Error{e.kind(), store_.path(), e.reason()});
    }
  }
  if (hooks_.finished) hooks_.finished();
}

}  // namespace trackprint::library
