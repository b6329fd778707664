// trackprint similarity: similar tracks, the k-nearest-neighbour graph, playlists, sonic paths
// and duplicates, from a library's fingerprints.
//
//   auto lib = trackprint::Library::open(trackprint::default_library_path());
//   auto index = trackprint::SimilarityIndex::open(lib.value(), "auralis");
//   if (!index.ok()) { std::cerr << index.error().message() << '\n'; return 1; }
//   const auto seed = index.value().find("/music/song.flac");  // an error if not analysed
//   for (const trackprint::SimilarTrack& s : index.value().similar(seed.value(), 10))
//     std::cout << lib.value().by_id(s.id).value()->path << ' ' << s.distance << '\n';
//
// The metric (a normalisation fitted on the library and a weight preset, docs/similarity.md)
// is kept in the store with an id: an index uses the stored fit while the set of analysed
// fingerprints is the one it was fitted on, and fits and saves a new one (a new id) when that
// set has changed. Every result is exact for that metric; ties go to the lower track id.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "trackprint/dimensions.hpp"
#include "trackprint/error.hpp"
#include "trackprint/export.hpp"
#include "trackprint/fingerprint.hpp"
#include "trackprint/library.hpp"

namespace trackprint {

// The metrics by name: "auralis" (the default), "equal", "auralis-zscore", "equal-zscore".
TRACKPRINT_API std::vector<std::string> similarity_metric_names();

struct SimilarTrack {
  std::int64_t id = 0;
  double distance = 0;
};

struct MetricInfo {
  std::int64_t id = 0;  // in the store; 0 when it could not be saved (a read-only store)
  std::string name;
  std::string normalisation;  // "minmax" or "zscore"
  std::int64_t tracks = 0;    // the fingerprints it was fitted on
  std::string fitted_at;      // UTC, ISO 8601
  bool refitted = false;      // fitted by this open (none stored, or the set changed)
};

struct PlaylistOptions {
  std::size_t length = 30;       // every entry: seeds and targets included
  std::vector<std::int64_t> to;  // with targets: a sonic path through them, in order
  int max_per_artist = 0;        // 0: no cap
  int max_per_album = 0;         // 0: no cap
  double min_distance = 0;       // no two entries closer than this
};

struct DuplicateGroup {
  std::vector<std::int64_t> ids;  // by id
  double distance = 0;            // the largest recording distance within the group (<= 1)
};

class TRACKPRINT_API SimilarityIndex {
 public:
  // Reads every analysed fingerprint of `library` and the metric `metric` (fitted and saved
  // when due). The index keeps a pointer to `library`: keep it open while the index is used.
  static Result<SimilarityIndex> open(Library& library, const std::string& metric = "auralis");

  SimilarityIndex(SimilarityIndex&&) noexcept;
  SimilarityIndex& operator=(SimilarityIndex&&) noexcept;
  ~SimilarityIndex();

  const MetricInfo& metric() const;
  std::size_t size() const;                      // analysed tracks
  const std::vector<std::int64_t>& ids() const;  // their ids, ascending

  // The id of a track given by path or id; an error (naming it) when it is not in the store or
  // has no fingerprint.
  Result<std::int64_t> find(const std::string& path_or_id) const;

  // The n tracks nearest to track `id` (not itself), nearest first.
  std::vector<SimilarTrack> similar(std::int64_t id, std::size_t n) const;
  // The n tracks nearest to a fingerprint that need not be in the library (a file analysed
  // apart), by the same metric, nearest first; the track `exclude` (an id; 0: none) is left out.
  std::vector<SimilarTrack> similar_to(const Fingerprint& fingerprint, std::size_t n,
                                       std::int64_t exclude = 0) const;
  // Every track's place in the metric's space, in ids() order, kDimensionCount values a row:
  // the normalised values scaled by the square roots of the weights, so that the Euclidean
  // distance between two rows is the metric's (what a map of the library projects).
  std::vector<double> coordinates() const;
  // Each dimension's share of the squared distance between two tracks (sums to 1).
  std::array<double, kDimensionCount> explain(std::int64_t a, std::int64_t b) const;
  // similar(id, k) of every track, in ids() order; threads <= 0: one per core.
  std::vector<std::vector<SimilarTrack>> graph(std::size_t k = 10, int threads = 0) const;

  // A seed playlist, or with options.to a sonic path; the first seed comes first and the last
  // target last. The ids in playing order and each one's distance from the entry before it.
  Result<std::vector<SimilarTrack>> playlist(const std::vector<std::int64_t>& seeds,
                                             const PlaylistOptions& options) const;

 private:
  struct Impl;
  explicit SimilarityIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The files of `library` that are the same recording (another encoding, bitrate or copy), judged
// by fingerprint and duration whatever the metric: groups of two or more, by their first id.
TRACKPRINT_API Result<std::vector<DuplicateGroup>> find_duplicates(const Library& library);

// An extended M3U8 playlist of these tracks, paths relative to `playlist_path`'s folder when it
// holds them.
TRACKPRINT_API std::string m3u8_playlist(const std::vector<TrackRecord>& tracks,
                                         const std::string& playlist_path);

}  // namespace trackprint
