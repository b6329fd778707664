// Dynamic-programming beat tracking as librosa 0.11 does it (librosa.beat.beat_track with a
// known bpm: __beat_tracker -> __normalize_onsets, __beat_local_score, __beat_track_dp,
// __last_beat, __dp_backtrack, __trim_beats). The envelope is float32; the local score and the
// DP run in float64 (numba picks the float64 loop because frames_per_beat is float64).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace trackprint::dsp {

struct BeatParams {
  double sr = 22050.0;
  std::size_t hop = 512;
  double tightness = 100.0;
  bool trim = true;
};

// Intermediate arrays of the tracker, exposed for checks against librosa's private functions.
struct BeatTrace {
  std::vector<double> localscore;
  std::vector<double> cumscore;
  std::vector<int> backlink;
  std::size_t tail = 0;
};

// librosa.beat.beat_track(onset_envelope=env, sr=sr, hop_length=hop, bpm=bpm)[1]: beat frame
// indices. Pass bpm = librosa.feature.tempo(onset_envelope=env, ...)[0] (dsp::tempo) to get
// beat_track's own estimate. An all-zero envelope has no beats. `trace`, if given, receives the
// intermediate arrays.
std::vector<std::size_t> beat_track(std::span<const float> envelope, double bpm,
                                    const BeatParams& p = {}, BeatTrace* trace = nullptr);

}  // namespace trackprint::dsp
