#include "report/library_view.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "trackprint/library.hpp"

namespace trackprint::report {

Result<LibraryView> LibraryView::open(const std::string& db_path) {
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) {
    return Error{ErrorKind::io, db_path, "no such store (make one with trackprint scan)"};
  }
  auto lib = Library::open(db_path, Library::Mode::read_only);
  if (!lib.ok()) return lib.error();
  auto records = lib.value().tracks();
  if (!records.ok()) return records.error();
  LibraryView view;
  view.db_path_ = lib.value().path();
  for (const TrackRecord& r : records.value()) {
    if (!r.fingerprint) continue;
    LibraryTrack t;
    t.id = r.id;
    t.label = {std::filesystem::path(r.path).stem().string(), "", r.path};
    t.fingerprint = *r.fingerprint;
    view.tracks_.push_back(std::move(t));
  }
  // z-score per dimension (population standard deviation); a constant dimension counts 0.
  const auto n = static_cast<double>(view.tracks_.size());
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    double sum = 0, ss = 0;
    for (const LibraryTrack& t : view.tracks_) sum += t.fingerprint.values[d];
    const double mean = n > 0 ? sum / n : 0;
    for (const LibraryTrack& t : view.tracks_) {
      ss += (t.fingerprint.values[d] - mean) * (t.fingerprint.values[d] - mean);
    }
    view.centre_[d] = mean;
    view.scale_[d] = n > 0 ? std::sqrt(ss / n) : 0;
  }
  for (const LibraryTrack& t : view.tracks_) {
    const auto row = view.metric_row(t.fingerprint);
    view.rows_.insert(view.rows_.end(), row.begin(), row.end());
  }
  return view;
}

std::array<double, kDimensionCount> LibraryView::metric_row(const Fingerprint& fp) const {
  std::array<double, kDimensionCount> row{};
  const double weight = std::sqrt(1.0 / static_cast<double>(kDimensionCount));
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    row[d] = scale_[d] > 0 ? weight * (fp.values[d] - centre_[d]) / scale_[d] : 0.0;
  }
  return row;
}

std::optional<std::size_t> LibraryView::find(const std::string& path) const {
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    if (tracks_[i].label.path == path) return i;
  }
  return std::nullopt;
}

std::array<double, kDimensionCount> LibraryView::percentiles(const Fingerprint& fp) const {
  std::array<double, kDimensionCount> out{};
  if (tracks_.empty()) return out;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    double below = 0;
    for (const LibraryTrack& t : tracks_) {
      const double v = t.fingerprint.values[d];
      below += v < fp.values[d] ? 1.0 : v == fp.values[d] ? 0.5 : 0.0;
    }
    out[d] = 100.0 * below / static_cast<double>(tracks_.size());
  }
  return out;
}

std::vector<NearTrack> LibraryView::nearest(const Fingerprint& fp, std::size_t n,
                                            std::optional<std::size_t> self) const {
  const auto q = metric_row(fp);
  std::vector<NearTrack> all;
  all.reserve(tracks_.size());
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    if (self && *self == i) continue;
    double ss = 0;
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      const double diff = rows_[i * kDimensionCount + d] - q[d];
      ss += diff * diff;
    }
    all.push_back({i, std::sqrt(ss)});
  }
  const std::size_t k = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(),
                    [](const NearTrack& a, const NearTrack& b) {
                      return a.distance != b.distance ? a.distance < b.distance : a.index < b.index;
                    });
  return {all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k)};  // not all's capacity
}

std::vector<std::vector<NearTrack>> LibraryView::all_nearest(std::size_t n) const {
  std::vector<std::vector<NearTrack>> out;
  out.reserve(tracks_.size());
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    out.push_back(nearest(tracks_[i].fingerprint, n, i));
  }
  return out;
}

}  // namespace trackprint::report
