#include "dsp/tempo.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "dsp/fft.hpp"
#include "dsp/numpy_sum.hpp"
#include "dsp/stft.hpp"

namespace trackprint::dsp {
namespace {

// scipy.fft.next_fast_len(n, real=True): the smallest 5-smooth number >= n.
std::size_t next_fast_len(std::size_t n) {
  for (std::size_t m = std::max<std::size_t>(n, 1);; ++m) {
    std::size_t r = m;
    for (std::size_t f : {2, 3, 5}) {
      while (r % f == 0) r /= f;
    }
    if (r == 1) return m;
  }
}

// librosa.time_to_frames(seconds, sr=sr, hop_length=hop): int(seconds * sr) // hop.
std::size_t time_to_frames(double seconds, double sr, std::size_t hop) {
  return static_cast<std::size_t>(seconds * sr) / hop;
}

}  // namespace

std::vector<double> tempo_frequencies(std::size_t n_bins, std::size_t hop, double sr) {
  std::vector<double> bpm(n_bins);
  if (n_bins > 0) bpm[0] = std::numeric_limits<double>::infinity();
  for (std::size_t k = 1; k < n_bins; ++k) {
    bpm[k] = 60.0 * sr / (static_cast<double>(hop) * static_cast<double>(k));
  }
  return bpm;
}

std::vector<double> mean_tempogram(std::span<const float> envelope, std::size_t win_length,
                                   CancelFlag cancel) {
  if (win_length == 0) throw std::invalid_argument("mean_tempogram: win_length must be positive");
  const std::size_t n = envelope.size();
  std::vector<double> mean(win_length, 0.0);
  if (n == 0) return mean;

  // np.pad(env, win//2 both sides, mode="linear_ramp", end_values=0): numpy's linspace works in
  // double here (k * (edge / width)) and the ramp is rounded to float32 once, rising to the first
  // value on the left and falling from the last on the right.
  const std::size_t half = win_length / 2;
  std::vector<float> padded(n + 2 * half);
  const double width = static_cast<double>(half == 0 ? 1 : half);
  const double step_l = static_cast<double>(envelope[0]) / width;
  const double step_r = static_cast<double>(envelope[n - 1]) / width;
  for (std::size_t i = 0; i < half; ++i) {
    padded[i] = static_cast<float>(static_cast<double>(i) * step_l);
    padded[half + n + i] = static_cast<float>(static_cast<double>(half - 1 - i) * step_r);
  }
  std::copy(envelope.begin(), envelope.end(), padded.begin() + static_cast<std::ptrdiff_t>(half));

  // autocorrelate(frame * hann, axis=-2): zero-padded real FFT, |X|^2, inverse FFT / n_pad.
  const std::vector<double> window = hann_window(win_length);
  const std::size_t n_pad = next_fast_len(2 * win_length - 1);
  RealFft<double> fft(n_pad);
  const double inv_n = 1.0 / static_cast<double>(n_pad);
  const double tiny = std::numeric_limits<double>::min();
  std::size_t t = 0;
  auto next_frame = [&](std::span<double> col) {
    if (t % 4096 == 0) cancel.check();
    double* in = fft.input();
    const float* frame = padded.data() + t;
    for (std::size_t i = 0; i < win_length; ++i) in[i] = static_cast<double>(frame[i]) * window[i];
    std::fill(in + win_length, in + n_pad, 0.0);
    fft.forward();
    std::complex<double>* spec = fft.output();
    for (std::size_t k = 0; k < n_pad / 2 + 1; ++k) {
      const double re = spec[k].real();
      const double im = spec[k].imag();
      spec[k] = {re * re + im * im, 0.0};
    }
    fft.inverse();
    // util.normalize(norm=inf, axis=-2): divide by the largest |value| (1 if below tiny).
    double length = 0.0;
    for (std::size_t k = 0; k < win_length; ++k) {
      col[k] = in[k] * inv_n;
      length = std::max(length, std::abs(col[k]));
    }
    if (length < tiny) length = 1.0;
    for (std::size_t k = 0; k < win_length; ++k) col[k] /= length;
    ++t;
  };
  // The tempogram is C-ordered (lags x frames): np.mean over frames is a pairwise sum per lag.
  pairwise_sum_columns<double>(n, win_length, next_frame, std::span<double>(mean));
  for (double& v : mean) v /= static_cast<double>(n);
  return mean;
}

double tempo(std::span<const float> envelope, const TempoParams& p, CancelFlag cancel) {
  if (p.start_bpm <= 0) throw std::invalid_argument("tempo: start_bpm must be strictly positive");
  const std::size_t win_length = time_to_frames(p.ac_size, p.sr, p.hop);
  const std::vector<double> tg = mean_tempogram(envelope, win_length, cancel);
  const std::vector<double> bpms = tempo_frequencies(win_length, p.hop, p.sr);

  std::vector<double> logprior(win_length);
  const double log_start = std::log2(p.start_bpm);
  for (std::size_t k = 0; k < win_length; ++k) {
    const double z = (std::log2(bpms[k]) - log_start) / p.std_bpm;
    logprior[k] = -0.5 * (z * z);
  }
  // max_idx = argmax(bpms < max_tempo): every lag before the first one under max_tempo is out.
  std::size_t max_idx = 0;
  for (std::size_t k = 0; k < win_length; ++k) {
    if (bpms[k] < p.max_tempo) {
      max_idx = k;
      break;
    }
  }
  for (std::size_t k = 0; k < max_idx; ++k) logprior[k] = -std::numeric_limits<double>::infinity();

  std::size_t best = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  bool have = false;
  for (std::size_t k = 0; k < win_length; ++k) {
    const double score = std::log1p(1e6 * tg[k]) + logprior[k];
    if (std::isnan(score)) return bpms[k];  // np.argmax stops at the first NaN
    if (!have || score > best_score) {      // np.argmax: the first maximum
      best_score = score;
      best = k;
      have = true;
    }
  }
  return bpms[best];
}

}  // namespace trackprint::dsp
