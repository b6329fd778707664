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

double harmonic_ratio(const AnalysisInput& in) {
  const dsp::HpssEnergy e = dsp::hpss_energy(in.stft, in.magnitude, kHop, in.y.size());
  const auto n = static_cast<double>(in.y.size());
  const double rh = std::sqrt(e.harmonic / n);
  const double rp = std::sqrt(e.percussive / n);
  return (rh + rp) > 0 ? rh / (rh + rp) : 0.5;
}

double pitch_stability(const AnalysisInput& in) {
  std::vector<double> f0 = dsp::yin(in.y, kAnalysisRate, kFminC2, kFmaxC7, kFftSize, kHop);
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

double chroma_energy(const AnalysisInput& in) {
  const double tuning =
      dsp::estimate_tuning(in.magnitude, in.stft.n_frames, kFftSize, kAnalysisRate, 36);
  const std::vector<float> chroma = dsp::chroma_cqt(in.y, kAnalysisRate, tuning);
  if (chroma.empty()) return 0.0;
  double sum = 0;
  for (float c : chroma) sum += static_cast<double>(c);
  return std::clamp(sum / static_cast<double>(chroma.size()) / 0.4, 0.0, 1.0);
}

}  // namespace

void measure_harmonic(const AnalysisInput& in, Fingerprint& fp) {
  fp[Dim::harmonic_ratio] = harmonic_ratio(in);
  fp[Dim::pitch_stability] = pitch_stability(in);
  fp[Dim::chroma_energy] = chroma_energy(in);
}

}  // namespace trackprint::features
