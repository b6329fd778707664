// What the pages need from a library, in one place: its analysed tracks with their labels, the
// coordinates of the similarity metric (normalised and weighted, so that plain Euclidean
// distance is the metric), each value's percentile and a track's nearest neighbours. The metric
// and the neighbours are the similarity layer's (SimilarityIndex), so that a page names the
// tracks `trackprint similar` names; labels come from the tags, else the file name.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "report/track_page.hpp"
#include "trackprint/error.hpp"
#include "trackprint/fingerprint.hpp"
#include "trackprint/library.hpp"
#include "trackprint/similarity.hpp"

namespace trackprint::report {

struct LibraryTrack {
  std::int64_t id = 0;
  TrackLabel label;
  std::string album, genre;  // "" when unknown
  Fingerprint fingerprint;
};

struct NearTrack {
  std::size_t index = 0;  // into tracks()
  double distance = 0;
};

class LibraryView {
 public:
  // The analysed tracks of the store at `db_path` (opened read-only) and the similarity metric
  // `metric` (a name of similarity_metric_names()); an error naming the store when it cannot be
  // read, or the metric when it is not one.
  static Result<LibraryView> open(const std::string& db_path,
                                  const std::string& metric = "auralis");

  const std::string& db_path() const { return db_path_; }
  const std::vector<LibraryTrack>& tracks() const { return tracks_; }  // by id
  // The metric as a page names it: "metric auralis, robust min-max".
  std::string metric_name() const;
  // tracks().size() rows of kDimensionCount, row-major: the metric's coordinates.
  const std::vector<double>& metric_rows() const { return rows_; }

  // The track of the store at this path (absolute), if analysed.
  std::optional<std::size_t> find(const std::string& path) const;
  // Percent of the library's tracks whose value is below fp's (ties count half), per dimension.
  std::array<double, kDimensionCount> percentiles(const Fingerprint& fp) const;
  // The n tracks nearest to fp, nearest first, leaving out the track `self` (fp's own row).
  std::vector<NearTrack> nearest(const Fingerprint& fp, std::size_t n,
                                 std::optional<std::size_t> self = std::nullopt) const;
  // nearest() of every track, in tracks() order.
  std::vector<std::vector<NearTrack>> all_nearest(std::size_t n) const;

 private:
  std::vector<NearTrack> near_tracks(const std::vector<SimilarTrack>& found) const;
  std::string db_path_;
  // The index keeps a pointer to the library: both on the heap, so that a moved view keeps them.
  std::unique_ptr<Library> library_;
  std::unique_ptr<SimilarityIndex> index_;
  std::vector<LibraryTrack> tracks_;  // in index_->ids() order
  std::vector<double> rows_;
};

}  // namespace trackprint::report
