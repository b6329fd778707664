// The seven families of the spec; each writes exactly its own dimensions.
// frequency.cpp: sub_bass_pct … air_pct          dynamics.cpp: crest_db, bass_mid_ratio
// temporal.cpp: tempo_bpm, rhythm_stability, transient_density, silence_ratio
// spectral.cpp: spectral_centroid, spectral_rolloff, spectral_flatness
// harmonic.cpp: harmonic_ratio, pitch_stability, chroma_energy
// variation.cpp: dynamic_range_variation, loudness_variation_std, peak_consistency
// stereo.cpp: stereo_width, phase_correlation
// The families that read the shared STFT consume it one frame at a time, in order (push), so
// it is never stored; the others read y. lufs is measured at the native rate (dsp/loudness).
// Given a Trace (trace_into), a family also hands out the series it computes on the way; without
// one (nullptr, the default) it keeps nothing more than it needs.
#pragma once

#include <array>
#include <complex>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "core/cancel_flag.hpp"
#include "dsp/cqt.hpp"
#include "dsp/fft.hpp"
#include "dsp/frame_stream.hpp"
#include "dsp/hpss.hpp"
#include "dsp/mel.hpp"
#include "dsp/onset.hpp"
#include "dsp/rms.hpp"
#include "dsp/spectral.hpp"
#include "dsp/tuning.hpp"
#include "dsp/yin.hpp"
#include "features/analysis_input.hpp"
#include "features/column_pool.hpp"
#include "trackprint/fingerprint.hpp"
#include "trackprint/trace.hpp"

namespace trackprint::features {

// Energy of the 7 bands of spec §Frequency from the Welch power spectrum (8192/2048, uncentred).
using BandEnergies = std::array<double, 7>;
inline constexpr std::size_t kWelchFft = 8192;
inline constexpr std::size_t kWelchHop = 2048;
class WelchBands {
 public:
  WelchBands();
  void push(std::span<const float> y);
  BandEnergies finish();

 private:
  void push_piece(std::span<const float> y);
  dsp::FrameStream frames_;
  std::vector<float> window_;
  dsp::RealFft<float> fft_;
  dsp::AlignedBuffer<float> frame_;
  dsp::AlignedBuffer<std::complex<float>> spectrum_;
  std::vector<float> magnitude_;
  std::vector<double> power_;  // summed over frames, per bin
};
BandEnergies band_energies(std::span<const float> y);

void measure_frequency(const BandEnergies& bands, Fingerprint& fp);

// Peak and energy of y, summed in sample order, for crest_db.
// With a trace it also keeps the waveform (min and max of each hop).
class CrestMeter {
 public:
  void trace_into(Trace* trace) { trace_ = trace; }
  void push(std::span<const float> y);
  double crest_db() const;

 private:
  void trace_waveform(std::span<const float> y);
  double peak_ = 0, sum_sq_ = 0;
  std::size_t count_ = 0;
  Trace* trace_ = nullptr;
};
void measure_dynamics(const CrestMeter& crest, const BandEnergies& bands, Fingerprint& fp);

// 0.5 s blocks every 0.25 s (peak, RMS) and the RMS series of 2048-sample frames every 5512.
class VariationFamily {
 public:
  VariationFamily();
  void trace_into(Trace* trace) { trace_ = trace; }
  void push(std::span<const float> y);
  void finish(Fingerprint& fp);

 private:
  void drain();
  static constexpr std::size_t kBlock = 11025;    // W: 0.5 s
  static constexpr std::size_t kBlockHop = 5512;  // H: 0.25 s
  static constexpr std::size_t kRmsFrame = 2048;
  static constexpr std::size_t kRmsHop = 5512;
  dsp::FrameStream blocks_;
  std::vector<double> block_peak_, block_rms_;
  dsp::RmsTracker rms_;
  Trace* trace_ = nullptr;
};

// pitch_stability from YIN's f0 of every 2048-sample frame (hop 512, centred).
class PitchFamily {
 public:
  PitchFamily();
  void trace_into(Trace* trace);
  void push(std::span<const float> y);
  void finish(Fingerprint& fp);

 private:
  dsp::YinTracker yin_;
  Trace* trace_ = nullptr;
};

// The same families over a whole y.
void measure_dynamics(std::span<const float> y, const BandEnergies& bands, Fingerprint& fp);
void measure_variation(std::span<const float> y, Fingerprint& fp);
void measure_pitch_stability(std::span<const float> y, Fingerprint& fp);  // YIN

// Per-frame centroid, rolloff and flatness of |S|; their medians at the end.
class SpectralFamily {
 public:
  void trace_into(Trace* trace) { trace_ = trace; }
  void push(std::span<const float> magnitude);
  void finish(Fingerprint& fp);

 private:
  dsp::SpectralShape shape_{kAnalysisRate, kFftSize};
  std::vector<double> centroid_, rolloff_;
  std::vector<float> flatness_;
  Trace* trace_ = nullptr;
};

// The mel power of each frame (128 floats kept per frame); onset envelope, tempo, beats and
// onsets at the end, when the track's maximum is known; silence_ratio from the RMS of y's
// samples (push_samples, any block size).
// A long track goes by twice instead (analysis's streamed route), so that no per-band series
// is kept: the first pass finds the mel peak and silence_ratio, the second, given that peak,
// builds the onset envelope as the frames come.
class TemporalFamily {
 public:
  TemporalFamily();
  static TemporalFamily first_of_two();
  static TemporalFamily second_of_two(float peak_db, std::size_t length);  // len(y)
  // The trace gets the RMS and the mel spectrogram from the first pass, the onset envelope,
  // tempo, beats and onsets from the second (a single pass gives all).
  void trace_into(Trace* trace);
  // The tempo estimate of finish() (an FFT per frame) checks `cancel` as it goes.
  void cancel_on(CancelFlag cancel) { cancel_ = cancel; }
  void push(std::span<const float> magnitude);
  void push_samples(std::span<const float> y);  // not in the second of two passes
  void reserve_frames(std::size_t frames);      // a hint: room for that many frames' mel power
  float peak_db();                              // after the first of two passes
  void finish(Fingerprint& fp);

 private:
  static constexpr std::size_t kBlock = 64;  // frames per filterbank pass
  void flush_block();
  dsp::MelFilterbank mel_;
  std::vector<float> power_block_;  // |S|**2 of up to kBlock frames awaiting the filterbank
  std::size_t block_frames_ = 0;
  enum class Pass { one, first_of_two, second_of_two };
  Pass pass_ = Pass::one;
  std::vector<float> mel_power_;  // Pass::one
  std::vector<float> mel_block_;
  float peak_db_ = -std::numeric_limits<float>::infinity();
  std::optional<dsp::OnsetEnvelopeStream> envelope_;
  dsp::RmsTracker rms_;
  std::size_t samples_ = 0;
  bool any_sound_ = false;
  Trace* trace_ = nullptr;
  CancelFlag cancel_;
  std::optional<ColumnPool> spectrogram_;  // with a trace, in a pass that sees the mel power
};

// harmonic_ratio from the HPSS energies of the shared STFT, fed frame by frame as y streams in;
// librosa.istft trims to len(y), which finish() is given.
class HpssFamily {
 public:
  HpssFamily();
  // The trace gets the RMS of the harmonic and percussive signals over each hop.
  void trace_into(Trace* trace);
  // y, in order, ahead of the frames made from it (the percussive part is y - h).
  void push_samples(std::span<const float> y) { hpss_.push_samples(y); }
  void push(std::span<const std::complex<float>> frame, std::span<const float> magnitude);
  // The same without a copy (dsp::HpssEnergyAccumulator's slots): write, then commit().
  std::span<std::complex<float>> frame_slot() { return hpss_.frame_slot(); }
  std::span<float> magnitude_slot() { return hpss_.magnitude_slot(); }
  void commit() { hpss_.commit(); }
  void finish(Fingerprint& fp, std::size_t length);  // length = len(y)

 private:
  dsp::HpssEnergyAccumulator hpss_;
  Trace* trace_ = nullptr;
  std::optional<dsp::RmsTracker> harmonic_rms_, percussive_rms_;  // with a trace
};

// chroma_cqt's tuning: estimate_tuning over |S| of the shared STFT (piptrack evidence per frame).
dsp::TuningEstimator make_tuning_estimator();

// chroma_energy: the mean of every chroma value over the track, summed in frame order.
class ChromaEnergy {
 public:
  void add(std::span<const float> chroma);  // the next frames' values, in order
  void finish(Fingerprint& fp) const;

 private:
  double sum_ = 0;
  std::size_t values_ = 0;
};

// chroma_energy from the CQT chroma of y, which needs the whole track's tuning first: y is read
// a second time, streamed through the CQT's octaves.
class ChromaFamily {
 public:
  explicit ChromaFamily(double tuning);
  void trace_into(Trace* trace) { trace_ = trace; }
  void push(std::span<const float> y);
  void finish(Fingerprint& fp);

 private:
  static constexpr std::size_t kFold = 256;  // CQT frames folded to chroma at a time
  void drain();
  void fold();
  dsp::ConstantQStream cqt_;
  std::size_t n_bins_;
  std::vector<float> pending_;  // CQT frames awaiting the fold
  ChromaEnergy energy_;
  Trace* trace_ = nullptr;
};

// The chroma of a held y, made in frame ranges that may run on several threads at once: the
// octaves' decimated signals are made once (by the constructor), then chroma(first, last) of
// any range; adding the ranges to a ChromaEnergy in frame order gives ChromaFamily's value.
class HeldChroma {
 public:
  HeldChroma(double tuning, std::span<const float> y);
  // With the octaves' signals already made from y as it was decoded (dsp::OctaveSignalStream on
  // dsp::chroma_octave_layout): used when the tuning's kernels have that layout, else remade.
  HeldChroma(double tuning, std::span<const float> y, dsp::ConstantQ::OctaveSignals octaves);
  std::size_t frame_count() const { return frames_; }
  std::vector<float> chroma(std::size_t first, std::size_t last) const;  // 12 per frame

 private:
  std::shared_ptr<const dsp::ConstantQ> cq_;
  dsp::ConstantQ::OctaveSignals octaves_;
  std::size_t frames_;
};

// The same families over a stored STFT (AnalysisInput), for tests and tools.
void measure_temporal(const AnalysisInput& in, Fingerprint& fp);
void measure_spectral(const AnalysisInput& in, Fingerprint& fp);
void measure_harmonic(const AnalysisInput& in, Fingerprint& fp);

// stereo_width and phase_correlation from L and R blocks (equal lengths, in order); a track
// that never adds a block is mono (width 0, correlation 1).
// The samples are summarised kBlock at a time whatever the spans they come in, so the values
// depend only on L and R, not on how a decoder or a thread cut them.
class StereoAccumulator {
 public:
  void add(std::span<const float> left, std::span<const float> right);
  void finish(Fingerprint& fp) const;

 private:
  static constexpr std::size_t kBlock = 4096;
  void add_block(std::span<const float> left, std::span<const float> right);
  std::vector<float> pending_left_, pending_right_;  // fewer than kBlock, not yet summarised
  double count_ = 0;
  double mid_energy_ = 0, side_energy_ = 0;
  double mean_l_ = 0, mean_r_ = 0;
  double m2_l_ = 0, m2_r_ = 0, co_ = 0;  // centred sums of squares and co-products
};

}  // namespace trackprint::features
