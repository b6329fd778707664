// Constant-Q transform magnitude as librosa 0.11's cqt (vqt with gamma 0, hann window, L1 norm,
// sparsity 0.01, scale=True, constant padding, soxr_hq decimation): per-octave sparse FFT
// kernels applied to the STFT of a signal halved in rate octave by octave, top octave first.
// Output is frame-major: frame t occupies [t*n_bins, (t+1)*n_bins), bins from low to high.
// One departure, for speed: each octave's frames are transformed in float32, where librosa
// transforms in float64 and rounds to complex64. The response moves by ~1e-7 relative, four
// orders inside chroma_energy's tolerance, and the CQT feeds no decision (only that mean);
// float32 FFTs take about 0.65 of the time of float64 ones here.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "dsp/frame_stream.hpp"
#include "dsp/resample.hpp"

namespace trackprint::dsp {

// librosa.note_to_hz("C1"), the default fmin of cqt and chroma_cqt.
double note_c1_hz();

struct CqtParams {
  double sr = 22050.0;
  std::size_t hop = 512;
  double fmin = 0.0;  // Hz before tuning; 0 means C1
  std::size_t n_bins = 252;
  std::size_t bins_per_octave = 36;
  double tuning = 0.0;  // fractions of a bin, as librosa.estimate_tuning returns it
};

// How y becomes the signal of each octave: the early downsampling factor, then which octaves
// halve the rate for the next. The tuning moves it only if the top filter's cutoff crosses a
// power of two below Nyquist, so a layout worked out before the tuning is known (to make the
// signals while y is decoded, OctaveSignalStream) is nearly always the kernels' own; the kernels'
// layout() says for sure.
struct OctaveLayout {
  std::size_t early_factor = 1;
  std::vector<bool> halve_after;  // one per octave, top octave first
  bool operator==(const OctaveLayout&) const = default;
};
OctaveLayout octave_layout(const CqtParams& params);

// The kernels depend only on the parameters (tuning included): build once, apply to any signal.
// magnitude() is const and allocates only its output and working buffers, so one ConstantQ can
// serve several threads.
class ConstantQ {
 public:
  explicit ConstantQ(const CqtParams& params);

  std::size_t n_bins() const { return params_.n_bins; }
  // Frames of the result for a signal of n samples (__trim_stack: the fewest over octaves).
  std::size_t frame_count(std::size_t n_samples) const;
  // Centre frequency of every bin, tuning applied (librosa.cqt_frequencies).
  std::span<const double> frequencies() const { return freqs_; }

  // np.abs(librosa.cqt(y, sr, hop_length, fmin, n_bins, bins_per_octave, tuning)).
  std::vector<float> magnitude(std::span<const float> y) const;

  // The same in two steps, so that frames can be made in any order or on several threads: the
  // signal each octave runs on (y early downsampled, then halved octave by octave), then frames
  // [first, last) of the magnitude into out (frame-major), exactly those magnitude() gives.
  struct OctaveSignals {
    OctaveLayout layout;                         // how they were made
    std::size_t length = 0;                      // len(y)
    std::vector<std::span<const float>> signal;  // one per octave, top octave first
    std::vector<std::vector<float>> owned;       // the decimated ones
  };
  OctaveSignals octave_signals(std::span<const float> y) const;
  OctaveLayout layout() const;
  void magnitude_frames(const OctaveSignals& signals, std::size_t first, std::size_t last,
                        float* out) const;

 private:
  friend class ConstantQStream;
  // One octave of __vqt_filter_fft's sparse basis (CSR, rows = filters from low to high) and the
  // rate and hop it runs at.
  struct Octave {
    std::size_t first_bin = 0;  // CQT bin of row 0
    std::size_t n_fft = 0;
    std::size_t hop = 0;
    bool halve_after = false;                // the signal is decimated by 2 before the next octave
    std::size_t col_begin = 0, col_end = 0;  // FFT bins any row uses
    std::vector<std::uint32_t> row_start;
    std::vector<std::uint32_t> column;
    std::vector<std::complex<float>> value;
    // The same nonzeros laid out for product(): where column j's batch sits in the spectrum
    // block, and the values split into real and imaginary parts.
    std::vector<std::uint32_t> offset;
    std::vector<float> value_re, value_im;
  };

  // Frames go through the sparse product kBatch at a time, one SIMD lane per frame, and are
  // transformed from a double copy of kChunk frames' worth of signal.
  static constexpr std::size_t kBatch = 8;
  static constexpr std::size_t kChunk = 64;
  void product(const Octave& oct, const float* spec, std::size_t n_rows, std::size_t batch,
               float* out) const;

  CqtParams params_;
  std::vector<double> freqs_;
  std::size_t early_factor_ = 1;      // __early_downsample: 2**downsample_count
  std::vector<Octave> octaves_;       // top octave first, as librosa runs them
  std::vector<double> inv_sqrt_len_;  // 1 / sqrt(lengths) of the final `V /= sqrt(lengths)`
};

// y decimated for each octave as it arrives: the early decimation, then each octave's halving for
// the next, each through a streaming resampler and scaled as audio.resample(scale=True) does.
// The one chain under OctaveSignalStream and ConstantQStream (ConstantQ::octave_signals is its
// one-shot form): soxr's result does not depend on how its input is split, so the same samples.
class OctaveDecimation {
 public:
  explicit OctaveDecimation(const OctaveLayout& layout);
  // sink(octave, x) with each octave's next samples, top octave first.
  template <class Sink>
  void push(std::span<const float> y, Sink&& sink);
  // End of y: octave by octave, top first, its last samples to sink, then end(octave).
  template <class Sink, class End>
  void finish(Sink&& sink, End&& end);

 private:
  template <class Sink>
  void pass_on(std::size_t octave, std::span<const float> x, Sink& sink);
  double early_factor_;
  std::optional<StreamingResampler> early_;
  std::vector<float> early_out_;
  std::vector<std::optional<StreamingResampler>> halve_;  // per octave: to the next one
  std::vector<std::vector<float>> halved_;                // per octave: its halving's output
};

// ConstantQ::octave_signals of a y that arrives in blocks, made as it arrives (OctaveDecimation).
class OctaveSignalStream {
 public:
  explicit OctaveSignalStream(OctaveLayout layout);
  // Room for the octaves of a y about `y_samples` long (a hint: they grow past it if need be),
  // so that they are not copied as they grow.
  void reserve(std::size_t y_samples);
  void push(std::span<const float> y);
  // End of y. `y` is all of it, as pushed (the top octave runs on y itself unless the layout
  // downsamples early); the spans returned point into it.
  ConstantQ::OctaveSignals finish(std::span<const float> y);

 private:
  // Whether octave o runs on a signal of its own (decimated from the one above, or y's early
  // downsampling for the top one) rather than sharing the one above.
  bool owns_signal(std::size_t octave) const;
  // Octave o's samples, kept when they are a signal of its own.
  void keep(std::size_t octave, std::span<const float> x);
  OctaveLayout layout_;
  OctaveDecimation decimation_;
  std::vector<std::vector<float>> signals_;  // per octave; empty where it shares the one above
  std::size_t pushed_ = 0;
};

// The same magnitudes for a signal that arrives in blocks, frame by frame in order: every octave
// frames its own signal as it arrives from the OctaveDecimation (identical samples). Holds
// the frames the slowest octave has not yet reached, a few seconds' worth, whatever the length.
class ConstantQStream {
 public:
  explicit ConstantQStream(std::shared_ptr<const ConstantQ> cq);
  ~ConstantQStream();
  ConstantQStream(const ConstantQStream&) = delete;
  ConstantQStream& operator=(const ConstantQStream&) = delete;

  void push(std::span<const float> y);
  void finish();
  // The next frame of |CQT| (n_bins values, low to high) once every octave has produced it;
  // valid until the next call of any member.
  bool next(std::span<const float>& frame);

 private:
  struct OctaveState;
  void drain(std::size_t octave);
  void flush(std::size_t octave);
  float* row(std::size_t frame);

  std::shared_ptr<const ConstantQ> cq_;
  OctaveDecimation decimation_;
  std::vector<std::unique_ptr<OctaveState>> octaves_;  // not movable: they own FFT plans
  std::vector<float> rows_;  // frames from first_row_ on, n_bins each, from index head_
  std::size_t head_ = 0;
  std::size_t first_row_ = 0;     // frame index of rows_[head_]
  std::size_t total_frames_ = 0;  // set by finish(): the fewest any octave gives
  bool finished_ = false;
};

}  // namespace trackprint::dsp
