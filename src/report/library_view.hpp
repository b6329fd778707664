// What the pages need from a library, in one place: its analysed tracks with their labels, the
// rows of the similarity metric (normalised and weighted, so that plain Euclidean distance is
// the metric), each value's percentile and a track's nearest neighbours.
//
// Stand-in until the similarity layer (src/similarity) is on main: every dimension z-scored over
// the library, equal weights, exact brute-force neighbours, labels from file names. Switching
// to it changes only library_view.cpp: the metric from SimilarityIndex, labels from the tags.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "report/track_page.hpp"
#include "trackprint/error.hpp"
#include "trackprint/fingerprint.hpp"

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
  // The analysed tracks of the store at `db_path` (opened read-only); an error naming it when it
  // cannot be read.
  static Result<LibraryView> open(const std::string& db_path);

  const std::string& db_path() const { return db_path_; }
  const std::vector<LibraryTrack>& tracks() const { return tracks_; }
  std::string metric_name() const { return "z-score, equal weights (stand-in)"; }
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
  std::array<double, kDimensionCount> metric_row(const Fingerprint& fp) const;
  std::string db_path_;
  std::vector<LibraryTrack> tracks_;
  std::array<double, kDimensionCount> centre_{}, scale_{};
  std::vector<double> rows_;
};

}  // namespace trackprint::report
