// Duplicates: files that are the same recording (another encoding, bitrate, sample rate or a
// copy). Judged on the raw fingerprint and the duration, never on the library's normalisation:
// a library of nothing but copies of one track must still find them one group.
//
// Two files are the same recording when every dimension differs by at most its tolerance
// (twice what lossy coding moved it by: docs/similarity.md has the measurements) and the
// durations by at most max(2 s, 1 %). Their recording distance is the largest of those
// differences over its tolerance: <= 1 is the same recording. Tempo compares octave-blind
// (a beat tracker may lock on half or double the tempo of one encoding), and the bass-to-mid
// ratio within +-30 dB (past that it measures a codec's noise floor).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace trackprint::similarity {

double recording_distance(const double* a, double duration_a, const double* b, double duration_b);
bool same_recording(const double* a, double duration_a, const double* b, double duration_b);

struct DuplicateRows {
  std::vector<std::uint32_t> rows;  // ascending
  double distance = 0;              // the largest recording distance of two of its rows
};

// The groups (two rows or more) linked by same_recording, by their first row. `raw_rows` holds
// kDimensionCount values per row, `durations_s` one per row.
std::vector<DuplicateRows> find_duplicates(std::span<const double> raw_rows,
                                           std::span<const double> durations_s);

}  // namespace trackprint::similarity
