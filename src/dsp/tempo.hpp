// Global tempo estimation as librosa 0.11 does it (librosa.feature.tempo with its defaults, over
// librosa.feature.tempogram): autocorrelation of Hann-windowed 8 s frames of the onset envelope
// (linear-ramp padded, centred), each normalised to max 1, averaged over time in numpy's pairwise
// order, plus a log-normal prior around start_bpm; the best lag below max_tempo gives the tempo.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/cancel_flag.hpp"

namespace trackprint::dsp {

struct TempoParams {
  double sr = 22050.0;
  std::size_t hop = 512;
  double start_bpm = 120.0;
  double std_bpm = 1.0;
  double ac_size = 8.0;      // seconds of autocorrelation window
  double max_tempo = 320.0;  // BPM
};

// librosa.tempo_frequencies(n_bins, hop_length=hop, sr=sr): BPM of each lag (lag 0 is +inf).
std::vector<double> tempo_frequencies(std::size_t n_bins, std::size_t hop, double sr);

// np.mean(librosa.feature.tempogram(onset_envelope=env, sr, hop_length, win_length), axis=-1):
// the time-averaged, per-frame max-normalised autocorrelation (win_length lags), in double.
// An FFT per frame (about half a second for an hour): `cancel` is checked every 4096 frames.
std::vector<double> mean_tempogram(std::span<const float> envelope, std::size_t win_length,
                                   CancelFlag cancel = {});

// librosa.feature.tempo(onset_envelope=env, sr=sr, hop_length=hop, ...)[0] (aggregate=np.mean,
// prior=None), unclipped. librosa.beat.beat_track uses this same value as its bpm.
double tempo(std::span<const float> envelope, const TempoParams& p = {}, CancelFlag cancel = {});

}  // namespace trackprint::dsp
