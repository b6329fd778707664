// Temporal family (spec §Temporal): tempo_bpm, rhythm_stability, transient_density,
// silence_ratio, from one onset-strength envelope of the shared STFT and the RMS of y.
#include <algorithm>
#include <cmath>
#include <vector>

#include "dsp/beat.hpp"
#include "dsp/numpy_sum.hpp"
#include "dsp/onset.hpp"
#include "dsp/rms.hpp"
#include "dsp/tempo.hpp"
#include "features/families.hpp"

namespace trackprint::features {
namespace {

// 1 / (1 + cv) of the beat intervals in seconds; fewer than 3 beats -> 0.
double rhythm_stability(const std::vector<std::size_t>& beats) {
  if (beats.size() < 3) return 0.0;
  const double frame_rate = kAnalysisRate / static_cast<double>(kHop);
  std::vector<double> d(beats.size() - 1);
  for (std::size_t i = 0; i + 1 < beats.size(); ++i) {
    d[i] = static_cast<double>(beats[i + 1] - beats[i]) / frame_rate;
  }
  // np.std(d) / np.mean(d) in numpy's order: pairwise sums, population variance.
  const auto count = static_cast<double>(d.size());
  const double mean = dsp::pairwise_sum(d.data(), d.size()) / count;
  std::vector<double> sq(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) sq[i] = (d[i] - mean) * (d[i] - mean);
  const double var = dsp::pairwise_sum(sq.data(), sq.size()) / count;
  const double cv = std::sqrt(var) / mean;
  return std::clamp(1.0 / (1.0 + cv), 0.0, 1.0);
}

// Fraction of RMS frames more than 40 dB below the loudest; all-zero y -> 1 (the oracle's
// is_silent: not np.any(y)). A non-zero y whose RMS underflows to 0 follows librosa (ratio 0).
double silence_ratio(const std::vector<float>& r, bool any_sound) {
  if (!any_sound || r.empty()) return 1.0;
  const float ref = *std::max_element(r.begin(), r.end());
  const std::vector<float> db = dsp::amplitude_to_db(r, ref);  // top_db=80, as librosa's default
  const auto quiet = std::count_if(db.begin(), db.end(), [](float v) { return v < -40.0f; });
  return static_cast<double>(quiet) / static_cast<double>(db.size());
}

dsp::OnsetParams onset_params() {
  dsp::OnsetParams op;
  op.sr = kAnalysisRate;
  op.n_fft = kFftSize;
  op.hop = kHop;
  return op;
}

}  // namespace

TemporalFamily::TemporalFamily()
    : mel_(dsp::onset_filterbank(onset_params())), rms_(kFftSize, kHop) {
  power_block_.resize(kBlock * (kFftSize / 2 + 1));
}

TemporalFamily TemporalFamily::first_of_two() {
  TemporalFamily family;
  family.pass_ = Pass::first_of_two;
  return family;
}

TemporalFamily TemporalFamily::second_of_two(float peak_db, std::size_t length) {
  TemporalFamily family;
  family.pass_ = Pass::second_of_two;
  family.envelope_.emplace(peak_db, onset_params());
  family.samples_ = length;
  return family;
}

void TemporalFamily::trace_into(Trace* trace) {
  trace_ = trace;
  if (trace == nullptr || pass_ == Pass::second_of_two || trace->max_spectrogram_columns == 0) {
    return;
  }
  spectrogram_.emplace(mel_.n_mels(), trace->max_spectrogram_columns);
  const dsp::OnsetParams p = onset_params();
  // Band m is the triangle between mel_frequencies(n_mels + 2)[m] and [m + 2], centred on [m + 1].
  const std::vector<double> edges = dsp::mel_frequencies(p.n_mels + 2, 0.0, p.sr / 2.0);
  trace->mel_bands_hz.assign(edges.begin() + 1, edges.end() - 1);
}

void TemporalFamily::push(std::span<const float> magnitude) {
  float* power = power_block_.data() + block_frames_ * magnitude.size();
  for (std::size_t k = 0; k < magnitude.size(); ++k) power[k] = magnitude[k] * magnitude[k];
  if (++block_frames_ == kBlock) flush_block();
}

void TemporalFamily::reserve_frames(std::size_t frames) {
  if (pass_ == Pass::one) mel_power_.reserve(frames * mel_.n_mels());
}

// The filterbank runs several frames side by side; results equal frame-by-frame application.
void TemporalFamily::flush_block() {
  if (block_frames_ == 0) return;
  const std::size_t n_bins = kFftSize / 2 + 1;
  const std::size_t n_mels = mel_.n_mels();
  const std::span<const float> power(power_block_.data(), block_frames_ * n_bins);
  if (pass_ == Pass::one) {
    const std::size_t at = mel_power_.size();
    mel_power_.resize(at + block_frames_ * n_mels);
    mel_.apply(power, std::span<float>(mel_power_.data() + at, block_frames_ * n_mels),
               block_frames_);
    if (spectrogram_) {
      spectrogram_->push(std::span<const float>(mel_power_.data() + at, block_frames_ * n_mels));
    }
  } else {
    mel_block_.resize(block_frames_ * n_mels);
    mel_.apply(power, mel_block_, block_frames_);
    if (pass_ == Pass::first_of_two) {
      peak_db_ = std::max(peak_db_, dsp::mel_peak_db(mel_block_));
      if (spectrogram_) spectrogram_->push(mel_block_);
    } else {
      envelope_->push(mel_block_);
    }
  }
  block_frames_ = 0;
}

void TemporalFamily::push_samples(std::span<const float> y) {
  rms_.push(y);
  samples_ += y.size();
  if (!any_sound_) {
    any_sound_ = std::any_of(y.begin(), y.end(), [](float v) { return v != 0.0f; });
  }
}

float TemporalFamily::peak_db() {
  flush_block();
  return peak_db_;
}

void TemporalFamily::finish(Fingerprint& fp) {
  flush_block();
  if (pass_ != Pass::second_of_two) {
    rms_.finish();
    fp[Dim::silence_ratio] = silence_ratio(rms_.values(), any_sound_);
    if (trace_ != nullptr) trace_->rms = rms_.values();
  }
  if (spectrogram_) {
    trace_->spectrogram_db = spectrogram_->finish_db();
    trace_->spectrogram_columns = spectrogram_->columns();
    trace_->frames_per_column = spectrogram_->frames_per_column();
  }
  if (pass_ == Pass::first_of_two) return;
  const std::vector<float> onset =
      pass_ == Pass::one ? dsp::onset_strength_from_mel(std::move(mel_power_), onset_params())
                         : envelope_->finish();

  dsp::TempoParams tp;
  tp.sr = kAnalysisRate;
  tp.hop = kHop;
  const double bpm = dsp::tempo(onset, tp, cancel_);  // beat_track estimates its tempo the same way
  fp[Dim::tempo_bpm] = std::clamp(bpm, 40.0, 200.0);

  dsp::BeatParams bp;
  bp.sr = kAnalysisRate;
  bp.hop = kHop;
  const std::vector<std::size_t> beats = dsp::beat_track(onset, bpm, bp);
  fp[Dim::rhythm_stability] = rhythm_stability(beats);

  const std::vector<std::size_t> onsets = dsp::onset_detect(onset, kAnalysisRate, kHop);
  const std::size_t n_onsets = onsets.size();
  const double seconds = static_cast<double>(samples_) / kAnalysisRate;
  fp[Dim::transient_density] =
      seconds > 0 ? std::clamp(static_cast<double>(n_onsets) / seconds / 10.0, 0.0, 1.0) : 0.0;
  if (trace_ != nullptr) {
    const auto to_seconds = [](const std::vector<std::size_t>& frames) {
      std::vector<double> t(frames.size());
      for (std::size_t i = 0; i < frames.size(); ++i) {
        t[i] = static_cast<double>(frames[i] * kHop) / kAnalysisRate;  // librosa.frames_to_time
      }
      return t;
    };
    trace_->onset_envelope = onset;
    trace_->tempo_bpm = bpm;
    trace_->beat_times = to_seconds(beats);
    trace_->onset_times = to_seconds(onsets);
  }
}

void measure_temporal(const AnalysisInput& in, Fingerprint& fp) {
  TemporalFamily family;
  const std::size_t n_bins = in.stft.n_bins;
  for (std::size_t t = 0; t < in.stft.n_frames; ++t) {
    family.push(in.magnitude.subspan(t * n_bins, n_bins));
  }
  family.push_samples(in.y);
  family.finish(fp);
}

}  // namespace trackprint::features
