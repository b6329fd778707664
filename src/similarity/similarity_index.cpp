// The public face of the similarity layer (include/trackprint/similarity.hpp): loads the
// library's fingerprints through the library's interface, fits or reuses the stored metric,
// and answers with the pure parts of this layer.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <optional>
#include <span>
#include <unordered_map>

#include "similarity/duplicates.hpp"
#include "similarity/exact_search.hpp"
#include "similarity/knn_graph.hpp"
#include "similarity/m3u8.hpp"
#include "similarity/metric.hpp"
#include "similarity/playlist.hpp"
#include "similarity/sonic_path.hpp"
#include "trackprint/similarity.hpp"

namespace trackprint {
namespace {

using similarity::ExactSearch;
using similarity::Neighbour;

// FNV-1a over every analysed track's id and values: a metric fitted on other fingerprints
// (a track added, removed or analysed again) has another digest and is fitted again.
std::string digest_of(const FingerprintTable& table) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  const auto mix = [&h](std::uint64_t v) {
    for (int byte = 0; byte < 8; ++byte) {
      h ^= (v >> (8 * byte)) & 0xff;
      h *= 0x100000001b3ULL;
    }
  };
  for (std::size_t r = 0; r < table.size(); ++r) {
    mix(static_cast<std::uint64_t>(table.ids[r]));
    for (std::size_t d = 0; d < kDimensionCount; ++d)
      mix(std::bit_cast<std::uint64_t>(table.values[r * kDimensionCount + d]));
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

template <class T>
T unwrap(Result<T> r) {
  if (!r.ok()) throw Failure(r.error().kind, r.error().reason);
  return std::move(r.value());
}

}  // namespace

std::vector<std::string> similarity_metric_names() {
  return similarity::metric_names();
}

struct SimilarityIndex::Impl {
  const Library* library = nullptr;
  MetricInfo info;
  std::vector<std::int64_t> ids;
  similarity::Normaliser normaliser;  // the fitted one, for fingerprints from outside the library
  ExactSearch search;
  // Records read for playlists (tags, raw values), by id; an index is used by one thread.
  mutable std::unordered_map<std::int64_t, TrackRecord> records;

  std::optional<std::uint32_t> find_row(std::int64_t id) const {
    const auto it = std::lower_bound(ids.begin(), ids.end(), id);
    if (it == ids.end() || *it != id) return std::nullopt;
    return static_cast<std::uint32_t>(it - ids.begin());
  }
  std::uint32_t row_of(std::int64_t id) const {
    if (const auto row = find_row(id)) return *row;
    throw Failure(ErrorKind::invalid_input, "track " + std::to_string(id) + " is not analysed");
  }
  const TrackRecord& record(std::uint32_t row) const {
    const std::int64_t id = ids[row];
    auto it = records.find(id);
    if (it == records.end()) {
      auto found = unwrap(library->by_id(id));
      if (!found) throw Failure(ErrorKind::io, "track " + std::to_string(id) + " left the store");
      it = records.emplace(id, std::move(*found)).first;
    }
    return it->second;
  }
  std::vector<SimilarTrack> as_tracks(const std::vector<Neighbour>& found) const {
    std::vector<SimilarTrack> out;
    out.reserve(found.size());
    for (const Neighbour& n : found) out.push_back({ids[n.row], n.distance});
    return out;
  }
};

Result<SimilarityIndex> SimilarityIndex::open(Library& library, const std::string& metric) {
  const auto spec = similarity::metric_spec(metric);
  if (!spec) {
    std::string known;
    for (const std::string& n : similarity::metric_names())
      known += (known.empty() ? "" : ", ") + n;
    return Error{ErrorKind::invalid_input, "", "unknown metric '" + metric + "' (" + known + ")"};
  }
  try {
    FingerprintTable table = unwrap(library.fingerprint_table());
    std::vector<double>().swap(table.durations_s);  // not needed: its memory goes back now
    const std::string digest = digest_of(table);
    MetricInfo info;
    std::optional<similarity::Metric> fitted;
    const auto stored = unwrap(library.metric(spec->name));
    if (stored && stored->fingerprints_digest == digest) fitted = similarity::from_stored(*stored);
    if (fitted) {
      info.id = stored->id;
      info.tracks = stored->tracks;
      info.fitted_at = stored->fitted_at;
    } else {
      fitted = similarity::fit_metric(*spec, table.values);
      StoredMetric to_save = similarity::to_stored(*fitted);
      to_save.tracks = static_cast<std::int64_t>(table.size());
      to_save.fingerprints_digest = digest;
      info.refitted = true;
      info.tracks = to_save.tracks;
      // A store that cannot be written (read-only file, a scan holding it too long) still
      // answers, with the fit made now.
      if (auto saved = library.save_metric(to_save); saved.ok()) {
        info.id = saved.value().id;
        info.fitted_at = saved.value().fitted_at;
      }
    }
    info.name = fitted->name;
    info.normalisation = std::string(similarity::to_string(fitted->normaliser.kind));
    for (std::size_t r = 0; r < table.size(); ++r) {
      double* row = &table.values[r * kDimensionCount];
      fitted->normaliser.apply_row(row, row);
    }
    auto impl =
        std::unique_ptr<Impl>(new Impl{&library,
                                       std::move(info),
                                       std::move(table.ids),
                                       fitted->normaliser,
                                       ExactSearch(std::move(table.values), fitted->weights),
                                       {}});
    return SimilarityIndex(std::move(impl));
  } catch (const Failure& e) {
    return Error{e.kind(), library.path(), e.reason()};
  } catch (const std::bad_alloc&) {
    return Error{ErrorKind::io, library.path(), "out of memory loading the fingerprints"};
  }
}

SimilarityIndex::SimilarityIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SimilarityIndex::SimilarityIndex(SimilarityIndex&&) noexcept = default;
SimilarityIndex& SimilarityIndex::operator=(SimilarityIndex&&) noexcept = default;
SimilarityIndex::~SimilarityIndex() = default;

const MetricInfo& SimilarityIndex::metric() const {
  return impl_->info;
}
std::size_t SimilarityIndex::size() const {
  return impl_->ids.size();
}
const std::vector<std::int64_t>& SimilarityIndex::ids() const {
  return impl_->ids;
}

Result<std::int64_t> SimilarityIndex::find(const std::string& path_or_id) const {
  const auto found = impl_->library->get(path_or_id);
  if (!found.ok()) return found.error();
  if (!found.value()) return Error{ErrorKind::invalid_input, path_or_id, "not in the store"};
  const TrackRecord& t = *found.value();
  if (t.status != TrackStatus::analysed || !t.fingerprint) {
    std::string why = "has no fingerprint (" + std::string(to_string(t.status));
    if (t.error_kind) why += ": " + t.reason;
    return Error{ErrorKind::invalid_input, path_or_id, why + ")"};
  }
  if (!std::binary_search(impl_->ids.begin(), impl_->ids.end(), t.id))
    return Error{ErrorKind::invalid_input, path_or_id, "was analysed after the index was loaded"};
  return t.id;
}

std::vector<SimilarTrack> SimilarityIndex::similar(std::int64_t id, std::size_t n) const {
  const std::uint32_t row = impl_->row_of(id);
  return impl_->as_tracks(impl_->search.nearest(impl_->search.row(row), n, {&row, 1}));
}

std::vector<SimilarTrack> SimilarityIndex::similar_to(const Fingerprint& fingerprint, std::size_t n,
                                                      std::int64_t exclude) const {
  std::array<double, kDimensionCount> query{};
  impl_->normaliser.apply_row(fingerprint.values.data(), query.data());
  const std::optional<std::uint32_t> excluded = impl_->find_row(exclude);  // ids start at 1
  return impl_->as_tracks(impl_->search.nearest(
      query.data(), n, excluded ? std::span(&*excluded, 1) : std::span<const std::uint32_t>()));
}

std::vector<double> SimilarityIndex::coordinates() const {
  const ExactSearch& search = impl_->search;
  std::array<double, kDimensionCount> root{};
  for (std::size_t d = 0; d < kDimensionCount; ++d) root[d] = std::sqrt(search.weights()[d]);
  std::vector<double> out(search.size() * kDimensionCount);
  for (std::size_t r = 0; r < search.size(); ++r) {
    for (std::size_t d = 0; d < kDimensionCount; ++d)
      out[r * kDimensionCount + d] = search.row(r)[d] * root[d];
  }
  return out;
}

std::array<double, kDimensionCount> SimilarityIndex::explain(std::int64_t a, std::int64_t b) const {
  return similarity::distance_shares(impl_->search.weights(), impl_->search.row(impl_->row_of(a)),
                                     impl_->search.row(impl_->row_of(b)));
}

std::vector<std::vector<SimilarTrack>> SimilarityIndex::graph(std::size_t k, int threads) const {
  const auto rows = similarity::knn_graph(impl_->search, k, threads);
  std::vector<std::vector<SimilarTrack>> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(impl_->as_tracks(r));
  return out;
}

Result<std::vector<SimilarTrack>> SimilarityIndex::playlist(const std::vector<std::int64_t>& seeds,
                                                            const PlaylistOptions& options) const {
  try {
    if (seeds.empty()) throw Failure(ErrorKind::invalid_input, "a playlist needs a seed");
    std::vector<std::uint32_t> waypoints;
    for (const std::int64_t id : seeds) {
      const std::uint32_t row = impl_->row_of(id);
      if (std::find(waypoints.begin(), waypoints.end(), row) == waypoints.end())
        waypoints.push_back(row);
    }
    const std::size_t seed_count = waypoints.size();
    for (const std::int64_t id : options.to) {
      const std::uint32_t row = impl_->row_of(id);
      if (row == waypoints.back()) {
        throw Failure(ErrorKind::invalid_input,
                      "track " + std::to_string(id) + " would follow itself on the path");
      }
      waypoints.push_back(row);
    }
    if (options.length < waypoints.size()) {
      throw Failure(ErrorKind::invalid_input,
                    "a playlist of " + std::to_string(options.length) + " cannot hold its " +
                        std::to_string(waypoints.size()) + " seeds and targets");
    }
    const Impl& impl = *impl_;
    const auto artist = [&impl](std::uint32_t row) {
      const Tags& t = impl.record(row).tags;
      return t.artist.empty() ? t.album_artist : t.artist;
    };
    similarity::TrackFacts facts;
    facts.artist = artist;
    // An album is its title, and its album artist when tagged (two "Greatest Hits" are then two
    // albums); the track artist is no part of it, or a compilation would be many albums.
    facts.album = [&impl](std::uint32_t row) {
      const Tags& t = impl.record(row).tags;
      if (t.album.empty()) return std::string();
      return t.album + '\x1f' + t.album_artist;
    };
    facts.same_recording = [&impl](std::uint32_t a, std::uint32_t b) {
      const Fingerprint& fa = *impl.record(a).fingerprint;
      const Fingerprint& fb = *impl.record(b).fingerprint;
      return similarity::same_recording(fa.values.data(), fa.duration_s, fb.values.data(),
                                        fb.duration_s);
    };
    similarity::PlaylistLimits limits{options.length, options.max_per_artist, options.max_per_album,
                                      options.min_distance};
    const std::vector<std::uint32_t> rows =
        options.to.empty()
            ? similarity::seed_playlist(impl.search, {waypoints.data(), seed_count}, limits, facts)
            : similarity::sonic_path(impl.search, waypoints, limits, facts);
    std::vector<SimilarTrack> out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const double step =
          i == 0 ? 0.0
                 : similarity::distance(impl.search.weights(), impl.search.row(rows[i - 1]),
                                        impl.search.row(rows[i]));
      out.push_back({impl.ids[rows[i]], step});
    }
    return out;
  } catch (const Failure& e) {
    return Error{e.kind(), "", e.reason()};
  }
}

Result<std::vector<DuplicateGroup>> find_duplicates(const Library& library) {
  const auto table = library.fingerprint_table();
  if (!table.ok()) return table.error();
  const FingerprintTable& t = table.value();
  std::vector<DuplicateGroup> out;
  for (const auto& g : similarity::find_duplicates(t.values, t.durations_s)) {
    DuplicateGroup group;
    for (const std::uint32_t row : g.rows) group.ids.push_back(t.ids[row]);
    group.distance = g.distance;
    out.push_back(std::move(group));
  }
  return out;
}

std::string m3u8_playlist(const std::vector<TrackRecord>& tracks,
                          const std::string& playlist_path) {
  std::vector<similarity::M3uEntry> entries;
  for (const TrackRecord& t : tracks) {
    similarity::M3uEntry e;
    e.path = t.path;
    e.duration_s = t.fingerprint ? t.fingerprint->duration_s : 0;
    e.artist = t.tags.artist.empty() ? t.tags.album_artist : t.tags.artist;
    e.title = t.tags.title;
    entries.push_back(std::move(e));
  }
  return similarity::m3u8_text(entries, playlist_path);
}

}  // namespace trackprint
