// The one table of the 25 fingerprint dimensions (spec: docs/fingerprint-v1.md §2).
// Names, order, family, unit, range and oracle tolerance live here and nowhere else: the CLI's
// keys, the store's columns, the Python names and the parity test's tolerances all read it.
#pragma once

#include <array>
#include <cstddef>
#include <limits>
#include <optional>
#include <string_view>

#include "trackprint/export.hpp"

namespace trackprint {

// Bumped whenever a definition in the spec changes; stored fingerprints of an older version
// are recomputed.
inline constexpr int kFingerprintVersion = 1;
inline constexpr std::size_t kDimensionCount = 25;

enum class Dim : std::size_t {
  sub_bass_pct,
  bass_pct,
  low_mid_pct,
  mid_pct,
  upper_mid_pct,
  presence_pct,
  air_pct,
  lufs,
  crest_db,
  bass_mid_ratio,
  tempo_bpm,
  rhythm_stability,
  transient_density,
  silence_ratio,
  spectral_centroid,
  spectral_rolloff,
  spectral_flatness,
  harmonic_ratio,
  pitch_stability,
  chroma_energy,
  dynamic_range_variation,
  loudness_variation_std,
  peak_consistency,
  stereo_width,
  phase_correlation,
};

// How a dimension's tolerance against the oracle is read.
enum class ToleranceKind {
  absolute,   // |engine - oracle| <= tolerance
  one_frame,  // |engine - oracle| <= 1 / (number of RMS frames of the track)
};

// The range of a dimension the spec does not bound (a ratio in dB can be any number).
inline constexpr double kUnbounded = std::numeric_limits<double>::infinity();

struct DimensionInfo {
  std::string_view name;
  std::string_view family;
  std::string_view unit;
  double min;  // the values the spec allows; ±kUnbounded where it sets no limit
  double max;
  ToleranceKind tolerance_kind;
  double tolerance;
  // Decision-based dimensions (a peak picked, a beat placed) may flip on a borderline track.
  bool decision_based;
};

inline constexpr std::array<DimensionInfo, kDimensionCount> kDimensions{{
    {"sub_bass_pct", "frequency", "fraction", 0, 1, ToleranceKind::absolute, 1e-4, false},
    {"bass_pct", "frequency", "fraction", 0, 1, ToleranceKind::absolute, 1e-4, false},
    {"low_mid_pct", "frequency", "fraction", 0, 1, ToleranceKind::absolute, 1e-4, false},
    {"mid_pct", "frequency", "fraction", 0, 1, ToleranceKind::absolute, 1e-4, false},
    {"upper_mid_pct", "frequency", "fraction", 0, 1, ToleranceKind::absolute, 1e-4, false},
    {"presence_pct", "frequency", "fraction", 0, 1, ToleranceKind::absolute, 1e-4, false},
    {"air_pct", "frequency", "fraction", 0, 1, ToleranceKind::absolute, 1e-4, false},
    {"lufs", "dynamics", "LUFS", -70, kUnbounded, ToleranceKind::absolute, 0.1, false},
    {"crest_db", "dynamics", "dB", 0, kUnbounded, ToleranceKind::absolute, 0.01, false},
    {"bass_mid_ratio", "dynamics", "dB", -kUnbounded, kUnbounded, ToleranceKind::absolute, 0.01,
     false},
    {"tempo_bpm", "temporal", "BPM", 40, 200, ToleranceKind::absolute, 0.5, true},
    {"rhythm_stability", "temporal", "0-1", 0, 1, ToleranceKind::absolute, 0.01, true},
    {"transient_density", "temporal", "0-1", 0, 1, ToleranceKind::absolute, 0.005, true},
    {"silence_ratio", "temporal", "fraction", 0, 1, ToleranceKind::one_frame, 0, false},
    {"spectral_centroid", "spectral", "0-1 (x 8 kHz)", 0, 1, ToleranceKind::absolute, 1e-4, false},
    {"spectral_rolloff", "spectral", "0-1 (x 10 kHz)", 0, 1, ToleranceKind::absolute, 1e-4, false},
    {"spectral_flatness", "spectral", "0-1", 0, 1, ToleranceKind::absolute, 1e-4, false},
    {"harmonic_ratio", "harmonic", "0-1", 0, 1, ToleranceKind::absolute, 1e-4, false},
    {"pitch_stability", "harmonic", "0-1", 0, 1, ToleranceKind::absolute, 1e-3, false},
    {"chroma_energy", "harmonic", "0-1", 0, 1, ToleranceKind::absolute, 1e-3, false},
    {"dynamic_range_variation", "variation", "0-1", 0, 1, ToleranceKind::absolute, 1e-4, false},
    {"loudness_variation_std", "variation", "dB", 0, 10, ToleranceKind::absolute, 1e-3, false},
    {"peak_consistency", "variation", "0-1", 0, 1, ToleranceKind::absolute, 1e-4, false},
    {"stereo_width", "stereo", "0-1", 0, 1, ToleranceKind::absolute, 1e-5, false},
    {"phase_correlation", "stereo", "-1..1", -1, 1, ToleranceKind::absolute, 1e-5, false},
}};

constexpr const DimensionInfo& info(Dim d) {
  return kDimensions[static_cast<std::size_t>(d)];
}

// The dimension called `name` (the spec's spelling), if any.
TRACKPRINT_API std::optional<Dim> dimension_named(std::string_view name);

}  // namespace trackprint
