#include "report/library_view.hpp"

#include <algorithm>
#include <filesystem>
#include <unordered_map>

namespace trackprint::report {

Result<LibraryView> LibraryView::open(const std::string& db_path, const std::string& metric) {
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) {
    return Error{ErrorKind::io, db_path, "no such store (make one with trackprint scan)"};
  }
  auto lib = Library::open(db_path, Library::Mode::read_only);
  if (!lib.ok()) return lib.error();
  LibraryView view;
  view.library_ = std::make_unique<Library>(std::move(lib.value()));
  view.db_path_ = view.library_->path();
  auto records = view.library_->tracks();
  if (!records.ok()) return records.error();
  auto index = SimilarityIndex::open(*view.library_, metric);
  if (!index.ok()) return index.error();
  view.index_ = std::make_unique<SimilarityIndex>(std::move(index.value()));
  std::unordered_map<std::int64_t, const TrackRecord*> by_id;
  for (const TrackRecord& r : records.value()) by_id.emplace(r.id, &r);
  for (const std::int64_t id : view.index_->ids()) {
    const auto it = by_id.find(id);
    if (it == by_id.end() || !it->second->fingerprint) {
      return Error{ErrorKind::io, view.db_path_, "the store changed while it was read"};
    }
    const TrackRecord& r = *it->second;
    LibraryTrack t;
    t.id = r.id;
    const std::string stem = std::filesystem::path(r.path).stem().string();
    t.label = {r.tags.title.empty() ? stem : r.tags.title, r.tags.artist, r.path};
    t.album = r.tags.album;
    t.genre = r.tags.genre;
    t.fingerprint = *r.fingerprint;
    view.tracks_.push_back(std::move(t));
  }
  view.rows_ = view.index_->coordinates();
  return view;
}

std::string LibraryView::metric_name() const {
  const MetricInfo& m = index_->metric();
  return "metric " + m.name + ", " + (m.normalisation == "zscore" ? "z-score" : "robust min-max");
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

std::vector<NearTrack> LibraryView::near_tracks(const std::vector<SimilarTrack>& found) const {
  const std::vector<std::int64_t>& ids = index_->ids();
  std::vector<NearTrack> out;
  out.reserve(found.size());
  for (const SimilarTrack& s : found) {
    const auto at = std::lower_bound(ids.begin(), ids.end(), s.id) - ids.begin();
    out.push_back({static_cast<std::size_t>(at), s.distance});
  }
  return out;
}

std::vector<NearTrack> LibraryView::nearest(const Fingerprint& fp, std::size_t n,
                                            std::optional<std::size_t> self) const {
  if (tracks_.empty()) return {};
  return near_tracks(index_->similar_to(fp, n, self ? tracks_[*self].id : 0));
}

std::vector<std::vector<NearTrack>> LibraryView::all_nearest(std::size_t n) const {
  std::vector<std::vector<NearTrack>> out;
  out.reserve(tracks_.size());
  for (const auto& found : index_->graph(n)) out.push_back(near_tracks(found));
  return out;
}

}  // namespace trackprint::report
