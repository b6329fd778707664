// The public face of the library layer (include/trackprint/library.hpp).
#include "trackprint/library.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include "library/merge.hpp"
#include "library/scanner.hpp"
#include "library/store.hpp"
#include "library/walker.hpp"
#include "library/watcher.hpp"

namespace trackprint {

std::string_view to_string(TrackStatus status) {
  switch (status) {
    case TrackStatus::pending:
      return "pending";
    case TrackStatus::analysed:
      return "analysed";
    case TrackStatus::failed:
      return "failed";
    case TrackStatus::missing:
      return "missing";
  }
  return "unknown";
}

std::string_view to_string(WatchEvent::Kind kind) {
  switch (kind) {
    case WatchEvent::Kind::watching:
      return "watching";
    case WatchEvent::Kind::analysed:
      return "analysed";
    case WatchEvent::Kind::failed:
      return "failed";
    case WatchEvent::Kind::unchanged:
      return "unchanged";
    case WatchEvent::Kind::renamed:
      return "renamed";
    case WatchEvent::Kind::missing:
      return "missing";
    case WatchEvent::Kind::removed:
      return "removed";
    case WatchEvent::Kind::warning:
      return "warning";
  }
  return "unknown";
}

StopSignal::StopSignal() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

StopSignal::~StopSignal() {
  if (fd_ >= 0) close(fd_);
}

void StopSignal::request() noexcept {
  requested_.store(true);
  const std::uint64_t one = 1;
  if (write(fd_, &one, sizeof one) < 0) {
    // Only a full counter fails, and then it is readable already.
  }
}

std::string default_library_path() {
  const char* data = std::getenv("XDG_DATA_HOME");
  std::string base;
  if (data != nullptr && data[0] == '/') {
    base = data;  // the XDG spec ignores relative values
  } else {
    const char* home = std::getenv("HOME");
    base = std::string(home != nullptr ? home : ".") + "/.local/share";
  }
  return base + "/trackprint/library.db";
}

struct Library::Impl {
  library::Store store;
};

namespace {

// Runs a query, turning a store failure into an Error that names the store.
template <class F>
auto guarded(const library::Store& store, F&& query) -> Result<decltype(query())> {
  try {
    return query();
  } catch (const Failure& e) {
    return Error{e.kind(), store.path(), e.reason()};
  }
}

}  // namespace

Result<Library> Library::open(const std::string& path, Mode mode) {
  try {
    return Library(std::make_unique<Impl>(
        Impl{library::Store(library::absolute_path(path), mode == Mode::read_only)}));
  } catch (const Failure& e) {
    return Error{e.kind(), path, e.reason()};
  } catch (const std::exception& e) {
    return Error{ErrorKind::io, path, e.what()};
  }
}

Library::Library(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Library::Library(Library&&) noexcept = default;
Library& Library::operator=(Library&&) noexcept = default;
Library::~Library() = default;

const std::string& Library::path() const {
  return impl_->store.path();
}

ScanSummary Library::scan(const std::vector<std::string>& roots, const ScanOptions& options) {
  return library::run_scan(impl_->store, roots, options);
}

ScanSummary Library::watch(const std::vector<std::string>& roots, const WatchOptions& options,
                           const StopSignal& stop) {
  return library::run_watch(impl_->store, roots, options, stop);
}

Result<LibraryStatus> Library::status() const {
  return guarded(impl_->store, [&] { return impl_->store.status(); });
}

Result<std::optional<TrackRecord>> Library::get(const std::string& path_or_id) const {
  return guarded(impl_->store, [&] {
    const bool number =
        !path_or_id.empty() && path_or_id.find_first_not_of("0123456789") == std::string::npos;
    if (number) {
      auto by_id = impl_->store.by_id(std::strtoll(path_or_id.c_str(), nullptr, 10));
      if (by_id) return by_id;
    }
    return impl_->store.by_path(library::absolute_path(path_or_id));
  });
}

Result<std::vector<TrackRecord>> Library::tracks() const {
  return guarded(impl_->store, [&] { return impl_->store.analysed(); });
}

Result<MergeSummary> Library::merge(const std::vector<TrackRecord>& records) {
  return guarded(impl_->store, [&] { return library::merge_records(impl_->store, records); });
}

Result<std::optional<TrackRecord>> Library::by_id(std::int64_t id) const {
  return guarded(impl_->store, [&] { return impl_->store.by_id(id); });
}

Result<FingerprintTable> Library::fingerprint_table() const {
  return guarded(impl_->store, [&] { return impl_->store.fingerprint_table(); });
}

Result<std::optional<StoredMetric>> Library::metric(const std::string& name) const {
  return guarded(impl_->store, [&] { return impl_->store.metric(name); });
}

Result<StoredMetric> Library::save_metric(const StoredMetric& metric) {
  return guarded(impl_->store, [&] { return impl_->store.put_metric(metric); });
}

}  // namespace trackprint
