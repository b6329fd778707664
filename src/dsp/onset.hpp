// Onset strength and onset detection as librosa 0.11 computes them (librosa.onset.onset_strength
// -> onset_strength_multi, and librosa.onset.onset_detect) from a magnitude STFT: float32 mel power
// spectrogram, power_to_db with the global maximum, spectral flux with lag 1, float32 mean over
// bands, and the lag + centring padding. Magnitudes are frame-major (n_bins values per frame).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "dsp/mel.hpp"

namespace trackprint::dsp {

struct OnsetParams {
  double sr = 22050.0;
  std::size_t n_fft = 2048;
  std::size_t hop = 512;
  std::size_t n_mels = 128;
  std::size_t lag = 1;
};

// librosa.onset.onset_strength(y=y, sr=sr, n_fft=n_fft, hop_length=hop, lag=lag) where
// `magnitude` = np.abs(librosa.stft(y, n_fft, hop)) transposed to frame-major (n_frames x
// n_fft/2+1). Mel bands span 0..sr/2 (onset_strength_multi's fmax default); max_size=1,
// ref=None, detrend=False, center=True, aggregate=np.mean. Returns n_frames float32 values.
std::vector<float> onset_strength(std::span<const float> magnitude, std::size_t n_frames,
                                  const OnsetParams& p = {});

// The same envelope in two steps, for a caller that streams the STFT: the mel power of each
// frame (onset_filterbank(p).apply on |S|**2), kept frame-major, then this once at the end
// (power_to_db needs the whole track's maximum).
MelFilterbank onset_filterbank(const OnsetParams& p = {});
std::vector<float> onset_strength_from_mel(std::vector<float> mel_power, const OnsetParams& p = {});

// The same envelope without keeping the mel power, for a caller that can go over the track twice:
// the first time it takes the peak of power_to_db(mel) (mel_peak_db over every frame), the
// second time it feeds the frames again to an OnsetEnvelopeStream that knows that peak.
float mel_peak_db(std::span<const float> mel_power);  // max of power_to_db(ref=1, amin=1e-10)
class OnsetEnvelopeStream {
 public:
  OnsetEnvelopeStream(float peak_db, const OnsetParams& p = {});
  // Frames of mel power (n_mels each, frame-major), in order.
  void push(std::span<const float> mel_power);
  // The envelope of every frame pushed: onset_strength_from_mel's result, bit for bit.
  std::vector<float> finish();

 private:
  OnsetParams p_;
  float floor_db_;
  std::size_t frames_ = 0;
  std::vector<float> db_;    // power_to_db of the frames in hand, floored
  std::vector<float> prev_;  // the last `lag` frames' dB, oldest first
  std::vector<float> env_;
};

// librosa.onset.onset_detect(onset_envelope=env, sr=sr, hop_length=hop) with its defaults:
// envelope min-max normalised in float32, then util.peak_pick with pre_max 0.03*sr//hop,
// post_max 0.00*sr//hop + 1, pre_avg 0.10*sr//hop, post_avg 0.10*sr//hop + 1, wait 0.03*sr//hop,
// delta 0.07. Returns onset frame indices.
std::vector<std::size_t> onset_detect(std::span<const float> envelope, double sr = 22050.0,
                                      std::size_t hop = 512);

}  // namespace trackprint::dsp
