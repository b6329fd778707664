// One track's page: the pictures of its trace (waveform and loudness, spectrogram with the
// harmonic/percussive balance, onset envelope with beats, chroma, pitch, variation blocks) and
// its 25 values by family; with a library, each value's percentile and the nearest tracks.
// A single self-contained HTML file: inline style, script and data, nothing fetched.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "trackprint/dimensions.hpp"
#include "trackprint/fingerprint.hpp"
#include "trackprint/trace.hpp"

namespace trackprint::report {

// A track of the library, as the page names it.
struct TrackLabel {
  std::string title;  // its tag, or the file name without extension
  std::string artist;
  std::string path;
};

struct Neighbour {
  TrackLabel track;
  double distance = 0;
};

// Where the track stands in a library.
struct LibraryContext {
  std::string db_path;
  std::size_t tracks = 0;  // analysed tracks the percentiles are of
  // Percent of the library's tracks whose value is below this track's (ties count half).
  std::array<double, kDimensionCount> percentile{};
  std::vector<Neighbour> neighbours;  // nearest first
};

struct TrackPageInput {
  TrackLabel track;
  const Fingerprint& fingerprint;
  const Trace& trace;
  std::optional<LibraryContext> library;
};

// Series are pooled to about this many points (the spectrogram to the trace's own budget), so a
// page's size hardly depends on the track's length.
inline constexpr std::size_t kPagePoints = 2400;

std::string track_page(const TrackPageInput& input);

}  // namespace trackprint::report
