// harmonic_ratio, pitch_stability, chroma_energy (spec §Harmonic).
#include <algorithm>
#include <cmath>
#include <vector>

#include "dsp/chroma.hpp"
#include "dsp/hpss.hpp"
#include "dsp/yin.hpp"
#include "features/families.hpp"

namespace trackprint::features {
namespace {

// librosa.note_to_hz("C2") and ("C7"): 440 * 2**((midi - 69) / 12).
const double kFminC2 = 440.0 * std::pow(2.0, (36.0 - 69.0) / 12.0);
const double kFmaxC7 = 440.0 * std::pow(2.0, (96.0 - 69.0) / 12.0);

double pitch_stability(std::vector<double> f0) {
  std::erase_if(f0, [](double f) { return !(f > 0); });
  if (f0.size() < 10) return 0.5;
  double sum = 0;
  for (double f : f0) sum += f;
  const double mean = sum / static_cast<double>(f0.size());
  double ss = 0;
  for (double f : f0) ss += (f - mean) * (f - mean);
  const double cv = std::sqrt(ss / static_cast<double>(f0.size())) / mean;
  return std::clamp(1.0 / (1.0 + 10.0 * cv), 0.0, 1.0);
}

}  // namespace

HpssFamily::HpssFamily() : hpss_(kFftSize, kHop) {}

void HpssFamily::trace_into(Trace* trace) {
  trace_ = trace;
  if (trace == nullptr) return;
  // RMS over each hop of samples, frames wholly inside the signal.
  harmonic_rms_.emplace(kHop, kHop, /*center=*/false);
  percussive_rms_.emplace(kHop, kHop, /*center=*/false);
  hpss_.stream_signals([this](std::span<const float> h, std::span<const float> p) {
    harmonic_rms_->push(h);
    percussive_rms_->push(p);
  });
}

void HpssFamily::push(std::span<const std::complex<float>> frame,
                      std::span<const float> magnitude) {
  hpss_.push(frame, magnitude);
}

void HpssFamily::finish(Fingerprint& fp, std::size_t length) {
  const dsp::HpssEnergy e = hpss_.finish(length);
  const auto n = static_cast<double>(length);
  const double rh = std::sqrt(e.harmonic / n);
  const double rp = std::sqrt(e.percussive / n);
  fp[Dim::harmonic_ratio] = (rh + rp) > 0 ? rh / (rh + rp) : 0.5;
  if (trace_ != nullptr) {
    harmonic_rms_->finish();
    percussive_rms_->finish();
    trace_->harmonic_rms = harmonic_rms_->values();
    trace_->percussive_rms = percussive_rms_->values();
  }
}

ChromaFamily::ChromaFamily(double tuning)
    : cqt_(dsp::chroma_kernels(kAnalysisRate, tuning)),
      n_bins_(dsp::chroma_kernels(kAnalysisRate, tuning)->n_bins()) {}

void ChromaFamily::push(std::span<const float> y) {
  cqt_.push(y);
  drain();
}

// Frames are folded kFold at a time (each frame's chroma is its own); the sum runs over the
// chroma values in frame order, as over librosa's whole chromagram.
void ChromaFamily::drain() {
  std::span<const float> frame;
  while (cqt_.next(frame)) {
    pending_.insert(pending_.end(), frame.begin(), frame.end());
    if (pending_.size() == kFold * n_bins_) fold();
  }
}

void ChromaFamily::fold() {
  const std::size_t n_frames = pending_.size() / n_bins_;
  if (n_frames == 0) return;
  const std::vector<float> chroma =
      dsp::chroma_from_cqt(pending_, n_frames, n_bins_, dsp::kChromaBinsPerOctave);
  energy_.add(chroma);
  if (trace_ != nullptr) trace_->chroma.insert(trace_->chroma.end(), chroma.begin(), chroma.end());
  pending_.clear();
}

void ChromaFamily::finish(Fingerprint& fp) {
  cqt_.finish();
  drain();
  fold();
  energy_.finish(fp);
}

void ChromaEnergy::add(std::span<const float> chroma) {
  for (float c : chroma) sum_ += static_cast<double>(c);
  values_ += chroma.size();
}

void ChromaEnergy::finish(Fingerprint& fp) const {
  fp[Dim::chroma_energy] =
      values_ == 0 ? 0.0 : std::clamp(sum_ / static_cast<double>(values_) / 0.4, 0.0, 1.0);
}

HeldChroma::HeldChroma(double tuning, std::span<const float> y)
    : cq_(dsp::chroma_kernels(kAnalysisRate, tuning)),
      octaves_(cq_->octave_signals(y)),
      frames_(cq_->frame_count(y.size())) {}

HeldChroma::HeldChroma(double tuning, std::span<const float> y,
                       dsp::ConstantQ::OctaveSignals octaves)
    : cq_(dsp::chroma_kernels(kAnalysisRate, tuning)),
      octaves_(octaves.layout == cq_->layout() && octaves.length == y.size()
                   ? std::move(octaves)
                   : cq_->octave_signals(y)),
      frames_(cq_->frame_count(y.size())) {}

std::vector<float> HeldChroma::chroma(std::size_t first, std::size_t last) const {
  constexpr std::size_t kChunk = 256;  // CQT frames at a time (the chroma of each is its own)
  const std::size_t n_bins = cq_->n_bins();
  std::vector<float> out, cqt;
  for (std::size_t t = first; t < last; t += kChunk) {
    const std::size_t n = std::min(kChunk, last - t);
    cqt.resize(n * n_bins);
    cq_->magnitude_frames(octaves_, t, t + n, cqt.data());
    const std::vector<float> c = dsp::chroma_from_cqt(cqt, n, n_bins, dsp::kChromaBinsPerOctave);
    out.insert(out.end(), c.begin(), c.end());
  }
  return out;
}

PitchFamily::PitchFamily() : yin_(kAnalysisRate, kFminC2, kFmaxC7, kFftSize, kHop) {}

void PitchFamily::trace_into(Trace* trace) {
  trace_ = trace;
  if (trace != nullptr) yin_.keep_voicing();
}

void PitchFamily::push(std::span<const float> y) {
  yin_.push(y);
}

void PitchFamily::finish(Fingerprint& fp) {
  yin_.finish();
  fp[Dim::pitch_stability] = pitch_stability(yin_.f0());
  if (trace_ != nullptr) {
    trace_->f0_hz = yin_.f0();
    trace_->voiced = yin_.voiced();
  }
}

void measure_pitch_stability(std::span<const float> y, Fingerprint& fp) {
  PitchFamily family;
  family.push(y);
  family.finish(fp);
}

void measure_harmonic(const AnalysisInput& in, Fingerprint& fp) {
  HpssFamily hpss;
  hpss.push_samples(in.y);
  dsp::TuningEstimator tuning = make_tuning_estimator();
  for (std::size_t t = 0; t < in.stft.n_frames; ++t) {
    const auto magnitude = in.magnitude.subspan(t * in.stft.n_bins, in.stft.n_bins);
    hpss.push(in.stft.frame(t), magnitude);
    tuning.push(magnitude);
  }
  hpss.finish(fp, in.y.size());
  ChromaFamily chroma(tuning.finish());
  chroma.push(in.y);
  chroma.finish(fp);
  measure_pitch_stability(in.y, fp);
}

dsp::TuningEstimator make_tuning_estimator() {
  return dsp::TuningEstimator(kFftSize, kAnalysisRate, static_cast<int>(dsp::kChromaBinsPerOctave));
}

}  // namespace trackprint::features
