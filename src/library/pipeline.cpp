#include "library/pipeline.hpp"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <utility>

#include "library/sidecar.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::library {
namespace {

using Clock = std::chrono::steady_clock;

// A batch is committed at this many rows or this age, or as soon as no further item waits:
// a kill loses at most one batch of finished analyses, and a commit costs little next to an
// analysis.
constexpr std::size_t kBatchRows = 64;
constexpr std::chrono::milliseconds kBatchAge{500};

}  // namespace

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

AnalysisResult analyse(const FoundFile& f, bool sidecars) {
  AnalysisResult r;
  r.path = f.path;
  r.size = f.size;
  r.mtime_ns = f.mtime_ns;
  struct stat st {};
  if (stat(f.path.c_str(), &st) == 0) {
    r.size = static_cast<std::int64_t>(st.st_size);
    r.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  }
  r.analysed_at = utc_now();
  if (sidecars) {
    r.fingerprint = read_sidecar(f.path, r.size, r.mtime_ns);
    r.from_sidecar = r.fingerprint.has_value();
    if (r.from_sidecar) return r;
  }
  const auto start = Clock::now();
  Result<Fingerprint> fp = analyze_file(f.path);
  r.analysis_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (!fp.ok()) {
    r.error = fp.error();
    return r;
  }
  r.fingerprint = std::move(fp.value());
  if (sidecars) {
    if (auto why = write_sidecar(f.path, r.size, r.mtime_ns, *r.fingerprint, r.analysed_at))
      r.warning = Error{ErrorKind::io, sidecar_path(f.path), std::move(*why)};
  }
  return r;
}

Pipeline::Pipeline(Store& store, int workers, bool sidecars, PipelineHooks hooks, int worker_nice)
    : store_(store),
      sidecars_(sidecars),
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
      answer.emplace();
      answer->result = analyse(*file, sidecars_);
    }
    items_.push(std::move(*answer));
  }
  if (--running_ == 0) items_.close();
}

void Pipeline::write() {
  bool broken = false;  // after a store failure, items are drained so workers never block
  std::vector<WriterItem> batch;
  Clock::time_point batch_start;
  const auto commit = [&] {
    if (batch.empty()) return;
    store_.commit();
    for (WriterItem& item : batch) {
      if (hooks_.committed) hooks_.committed(item);
      if (item.committed) item.committed();
    }
    batch.clear();
  };
  for (;;) {
    WriterItem item;
    // With a batch open, only what is already waiting joins it; idle, the writer sleeps.
    const auto got =
        batch.empty() ? items_.pop(item) : items_.pop(item, std::chrono::milliseconds(0));
    try {
      if (got == BoundedQueue<WriterItem>::Wait::closed) {
        if (!broken) commit();
        break;
      }
      if (broken) continue;
      if (got == BoundedQueue<WriterItem>::Wait::timeout) {
        commit();
        continue;
      }
      if (batch.empty()) {
        store_.begin();
        batch_start = Clock::now();
      }
      if (item.change) item.change(store_);
      if (item.result && item.write_result) store_.put_result(*item.result);
      batch.push_back(std::move(item));
      if (batch.size() >= kBatchRows || Clock::now() - batch_start >= kBatchAge) commit();
    } catch (const Failure& e) {
      broken = true;
      batch.clear();
      if (hooks_.store_failed) hooks_.store_failed(Error{e.kind(), store_.path(), e.reason()});
    }
  }
  if (hooks_.finished) hooks_.finished();
}

}  // namespace trackprint::library
