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

double pitch_stability(std::span<const float> y) {
  std::vector<double> f0 = dsp::yin(y, kAnalysisRate, kFminC2, kFmaxC7, kFftSize, kHop);
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

double chroma_energy(std::span<const float> y, double tuning) {
  const std::vector<float> chroma = dsp::chroma_cqt(y, kAnalysisRate, tuning);
  if (chroma.empty()) return 0.0;
  double sum = 0;
  for (float c : chroma) sum += static_cast<double>(c);
  return std::clamp(sum / static_cast<double>(chroma.size()) / 0.4, 0.0, 1.0);
}

}  // namespace

HarmonicFamily::HarmonicFamily(std::size_t length)
    : hpss_(kFftSize, kHop, length), tuning_(kFftSize, kAnalysisRate, 36), length_(length) {}

void HarmonicFamily::push(std::span<const std::complex<float>> frame,
                          std::span<const float> magnitude) {
  hpss_.push(frame, magnitude);
  tuning_.push(magnitude);
}

void HarmonicFamily::finish(std::span<const float> y, Fingerprint& fp) {
  const dsp::HpssEnergy e = hpss_.finish();
  const auto n = static_cast<double>(length_);
  const double rh = std::sqrt(e.harmonic / n);
  const double rp = std::sqrt(e.percussive / n);
  fp[Dim::harmonic_ratio] = (rh + rp) > 0 ? rh / (rh + rp) : 0.5;
  fp[Dim::chroma_energy] = chroma_energy(y, tuning_.finish());
}

void measure_pitch_stability(std::span<const float> y, Fingerprint& fp) {
  fp[Dim::pitch_stability] = pitch_stability(y);
}

void measure_harmonic(const AnalysisInput& in, Fingerprint& fp) {
  HarmonicFamily family(in.y.size());
  for (std::size_t t = 0; t < in.stft.n_frames; ++t) {
    family.push(in.stft.frame(t), in.magnitude.subspan(t * in.stft.n_bins, in.stft.n_bins));
  }
  family.finish(in.y, fp);
  measure_pitch_stability(in.y, fp);
}

}  // namespace trackprint::features
