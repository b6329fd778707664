// Harmonic/percussive separation as librosa.effects.hpss (0.11): decompose.hpss on the STFT
// (31-wide median filters of |S| across time and frequency, scipy "reflect" edges, soft masks,
// power 2, margin 1), then librosa.istft of the harmonic part; the percussive part is y - h.
// The soft masks sum to 1 and istft(S) gives y back, so y - h is librosa's istft(S * mask_p) to
// float32 rounding (~1e-7 relative), for one inverse STFT instead of two. Only the two energies
// are kept, summed as the istft completes samples: no spectrogram-sized buffer, no output signal.
// The medians run many bins (or frames) at once, one SIMD lane each (dsp/lane_median.hpp).
#pragma once

#include <complex>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>

#include "dsp/stft.hpp"

namespace trackprint::dsp {

struct HpssEnergy {
  double harmonic = 0;    // sum(h**2) over the `length` samples of the harmonic signal
  double percussive = 0;  // sum(p**2)
};

// librosa.util.softmask(X, X_ref, power=2, split_zeros=True) for one bin, both ways at once
// (harmonic: X = H, X_ref = P * margin; percussive the other way round; margin 1), in float32 as
// librosa computes it. decompose.hpss passes split_zeros = (margin_harm == 1 and margin_perc ==
// 1), i.e. True for effects.hpss: where max(H, P) < FLT_MIN (np.finfo(float32).tiny) both are 0.5.
struct HpssMasks {
  float harmonic, percussive;
};
HpssMasks hpss_soft_masks(float harm, float perc);

// Streaming hpss_energy: the frames of S = librosa.stft(y, n_fft, hop_length=hop) (centred) and
// of |S| come in one at a time, in order, and are dropped once the filters no longer need them.
// Holds |S| of the last 64 frames and S of the last 32, the running medians' sorted windows and
// the two streaming inverse STFTs: O(n_fft) memory whatever the length (1.1 MB for n_fft 2048).
// Frame t's harmonic median is known once frame t + 15 is in; frames go out 16 at a time (the
// medians of 16 bins x 16 frames stay in registers), so the inverse STFT and the energy sums lag
// the input by 15 to 30 frames.
class HpssEnergyAccumulator {
 public:
  // For an STFT whose length is not known yet (y still streaming in): push its frames as they
  // come, then finish(length). The sums are those of the constructors below, bit for bit.
  HpssEnergyAccumulator(std::size_t n_fft, std::size_t hop);
  // length = len(y); the STFT then has 1 + length / hop frames (stft_frame_count): push them all.
  HpssEnergyAccumulator(std::size_t n_fft, std::size_t hop, std::size_t length);
  // The same for an STFT of `stft_frames` frames (librosa.istft still trims to `length`).
  HpssEnergyAccumulator(std::size_t n_fft, std::size_t hop, std::size_t length,
                        std::size_t stft_frames);
  ~HpssEnergyAccumulator();
  HpssEnergyAccumulator(const HpssEnergyAccumulator&) = delete;
  HpssEnergyAccumulator& operator=(const HpssEnergyAccumulator&) = delete;

  std::size_t frame_count() const;  // frames push() expects (kUnknown without a length)
  // Frame t of S (n_fft/2 + 1 bins) and its magnitude, t = 0, 1, ... frame_count() - 1.
  void push(std::span<const std::complex<float>> frame, std::span<const float> magnitude);
  // The same without a copy: write the next frame and its magnitude where these point (they stay
  // valid until commit()), then commit().
  std::span<std::complex<float>> frame_slot();
  std::span<float> magnitude_slot();
  void commit();
  // y itself (len(y) samples in all), in order and ahead of the frames made from it: p = y - h.
  // Only the samples h has not yet reached are kept (15 to 30 frames' worth).
  void push_samples(std::span<const float> y);
  // After the last push: sum(h**2), sum(p**2) (the end's reflect edge was handled by the last
  // push, which knows it is the last).
  HpssEnergy finish();
  // The same when the length was not given: the frames pushed are all of S, y had `length`
  // samples; the last frames' medians (which reflect at the end) are made now.
  HpssEnergy finish(std::size_t length);

  // Also hand the harmonic and percussive signals (equal lengths, in order, valid during the
  // call) to `sink` as the inverse STFTs complete them; none is kept. Off unless set.
  using SignalSink =
      std::function<void(std::span<const float> harmonic, std::span<const float> percussive)>;
  void stream_signals(SignalSink sink);

 private:
  struct State;
  std::unique_ptr<State> st_;
};

// S = librosa.stft(y, n_fft=2*(n_bins-1), hop_length=hop) (centred), magnitude = abs(S) (same
// frame-major layout). h, p = librosa.effects.hpss(y); returns sum(h**2), sum(p**2) accumulated
// in double. A wrapper over HpssEnergyAccumulator.
HpssEnergy hpss_energy(const Spectrogram& s, std::span<const float> magnitude, std::size_t hop,
                       std::span<const float> y);

}  // namespace trackprint::dsp
