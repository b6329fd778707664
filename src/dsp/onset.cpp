#include "dsp/onset.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include "dsp/db.hpp"
#include "dsp/mel.hpp"
#include "dsp/peak_pick.hpp"

namespace trackprint::dsp {
namespace {

// Python's float floor division a // b (Objects/floatobject.c float_floor_div), which librosa uses
// for the peak-picking windows, e.g. 0.03 * sr // hop.
double py_floordiv(double a, double b) {
  const double mod = std::fmod(a, b);
  double div = (a - mod) / b;
  if (mod != 0.0 && ((b < 0) != (mod < 0))) div -= 1.0;
  if (div == 0.0) return std::copysign(0.0, a / b);
  double floordiv = std::floor(div);
  if (div - floordiv > 0.5) floordiv += 1.0;
  return floordiv;
}

std::size_t window_frames(double frames) {
  return static_cast<std::size_t>(std::ceil(frames));
}

}  // namespace

std::vector<float> onset_strength(std::span<const float> magnitude, std::size_t n_frames,
                                  const OnsetParams& p) {
  const std::size_t n_bins = p.n_fft / 2 + 1;
  if (magnitude.size() != n_frames * n_bins) {
    throw std::invalid_argument("onset_strength: magnitude is not n_frames x (n_fft/2+1)");
  }
  const MelFilterbank mel = onset_filterbank(p);
  const std::size_t n_mels = mel.n_mels();

  // Mel power spectrogram of |S|**2 (float32), frame-major.
  std::vector<float> mel_power(n_frames * n_mels);
  constexpr std::size_t kBlock = 64;  // frames squared and filtered per pass
  std::vector<float> power(kBlock * n_bins);
  for (std::size_t t0 = 0; t0 < n_frames; t0 += kBlock) {
    const std::size_t count = std::min(kBlock, n_frames - t0);
    const float* m = magnitude.data() + t0 * n_bins;
    for (std::size_t i = 0; i < count * n_bins; ++i) power[i] = m[i] * m[i];
    mel.apply(std::span<const float>(power.data(), count * n_bins),
              std::span<float>(mel_power.data() + t0 * n_mels, count * n_mels), count);
  }
  return onset_strength_from_mel(std::move(mel_power), p);
}

MelFilterbank onset_filterbank(const OnsetParams& p) {
  return MelFilterbank(p.sr, p.n_fft, p.n_mels, 0.0, 0.5 * p.sr);
}

std::vector<float> onset_strength_from_mel(std::vector<float> mel_power, const OnsetParams& p) {
  if (p.lag == 0 || p.hop == 0) throw std::invalid_argument("onset_strength: zero lag or hop");
  const std::size_t n_mels = p.n_mels;
  const std::size_t n_frames = mel_power.size() / n_mels;
  // dB against the global maximum of the whole track (top_db = 80).
  std::vector<float>& db = mel_power;
  power_to_db(db, db, 1.0f, 1e-10, 80.0);

  // onset_env[j] = mean_m max(0, S[m, j + lag] - S[m, j]), shifted right by lag + n_fft/(2 hop)
  // zeros and trimmed to n_frames. numpy reduces the band axis of the C-ordered (n_mels, frames)
  // array row after row: a left-to-right float32 sum; np.mean divides it by the (intp) count in
  // double and stores float32.
  std::vector<float> env(n_frames, 0.0f);
  const std::size_t pad = p.lag + p.n_fft / (2 * p.hop);
  for (std::size_t t = pad; t < n_frames; ++t) {
    const std::size_t j = t - pad;
    if (j + p.lag >= n_frames) break;
    const float* cur = db.data() + (j + p.lag) * n_mels;
    const float* prev = db.data() + j * n_mels;
    float sum = 0.0f;
    for (std::size_t m = 0; m < n_mels; ++m) sum += std::max(0.0f, cur[m] - prev[m]);
    env[t] = static_cast<float>(static_cast<double>(sum) / static_cast<double>(n_mels));
  }
  return env;
}

float mel_peak_db(std::span<const float> mel_power) {
  std::vector<float> db(mel_power.size());
  power_to_db(mel_power, db, 1.0f, 1e-10, std::nullopt);
  float peak = -std::numeric_limits<float>::infinity();
  for (float v : db) peak = std::max(peak, v);
  return peak;
}

OnsetEnvelopeStream::OnsetEnvelopeStream(float peak_db, const OnsetParams& p)
    : p_(p), floor_db_(peak_db - static_cast<float>(80.0)) {
  if (p.lag == 0 || p.hop == 0) throw std::invalid_argument("onset_strength: zero lag or hop");
  // The lag + centring padding of onset_strength_multi: zeros before the first difference.
  env_.assign(p.lag + p.n_fft / (2 * p.hop), 0.0f);
}

void OnsetEnvelopeStream::push(std::span<const float> mel_power) {
  const std::size_t n_mels = p_.n_mels;
  db_.resize(mel_power.size());
  power_to_db(mel_power, db_, 1.0f, 1e-10, std::nullopt);
  for (float& v : db_) v = std::max(v, floor_db_);  // top_db = 80 below the track's peak
  for (std::size_t f = 0; f < mel_power.size() / n_mels; ++f) {
    const float* cur = db_.data() + f * n_mels;
    if (frames_ >= p_.lag) {
      const float* prev = prev_.data();  // frame frames_ - lag
      float sum = 0.0f;
      for (std::size_t m = 0; m < n_mels; ++m) sum += std::max(0.0f, cur[m] - prev[m]);
      env_.push_back(static_cast<float>(static_cast<double>(sum) / static_cast<double>(n_mels)));
      prev_.erase(prev_.begin(), prev_.begin() + static_cast<std::ptrdiff_t>(n_mels));
    }
    prev_.insert(prev_.end(), cur, cur + n_mels);
    ++frames_;
  }
}

std::vector<float> OnsetEnvelopeStream::finish() {
  env_.resize(frames_, 0.0f);  // trimmed (or zero-padded) to the frame count
  return std::move(env_);
}

std::vector<std::size_t> onset_detect(std::span<const float> envelope, double sr, std::size_t hop) {
  if (envelope.empty()) return {};
  // normalize=True: x - min(x), then / (max + tiny(float32)), all in float32.
  std::vector<float> x(envelope.begin(), envelope.end());
  const float lo = *std::min_element(x.begin(), x.end());
  for (float& v : x) v -= lo;
  const float hi = *std::max_element(x.begin(), x.end()) + std::numeric_limits<float>::min();
  for (float& v : x) v /= hi;
  const bool any = std::any_of(x.begin(), x.end(), [](float v) { return v != 0.0f; });
  const bool finite = std::all_of(x.begin(), x.end(), [](float v) { return std::isfinite(v); });
  if (!any || !finite) return {};

  const auto h = static_cast<double>(hop);
  PeakPickParams pp;
  pp.pre_max = window_frames(py_floordiv(0.03 * sr, h));
  pp.post_max = window_frames(py_floordiv(0.00 * sr, h) + 1);
  pp.pre_avg = window_frames(py_floordiv(0.10 * sr, h));
  pp.post_avg = window_frames(py_floordiv(0.10 * sr, h) + 1);
  pp.wait = window_frames(py_floordiv(0.03 * sr, h));
  pp.delta = 0.07f;
  return peak_pick(x, pp);
}

}  // namespace trackprint::dsp
