#include "dsp/beat.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "dsp/numpy_sum.hpp"

namespace trackprint::dsp {
namespace {

// __normalize_onsets: onsets / (onsets.std(ddof=1) + tiny), numpy's float32 std (pairwise sums,
// each division by the intp count done in double and stored as float32).
std::vector<float> normalize_onsets(std::span<const float> env) {
  const std::size_t n = env.size();
  const float mean =
      static_cast<float>(static_cast<double>(pairwise_sum(env.data(), n)) / static_cast<double>(n));
  std::vector<float> sq(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float d = env[i] - mean;
    sq[i] = d * d;
  }
  const std::size_t dof = n > 1 ? n - 1 : 0;
  const float var = static_cast<float>(static_cast<double>(pairwise_sum(sq.data(), n)) /
                                       static_cast<double>(dof));
  const float norm = std::sqrt(var) + std::numeric_limits<float>::min();
  std::vector<float> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = env[i] / norm;
  return out;
}

// __beat_local_score, static tempo: a same-mode convolution with a Gaussian of +-fpb frames,
// accumulated left to right in double. librosa's loop bound min(i + K//2, K) leaves out
// onset[0]; kept as is.
std::vector<double> local_score(std::span<const float> onset, double fpb) {
  const auto n = static_cast<std::ptrdiff_t>(onset.size());
  const auto f = static_cast<std::ptrdiff_t>(fpb);
  std::vector<double> window;
  for (std::ptrdiff_t j = -f; j <= f; ++j) {
    const double z = static_cast<double>(j) * 32.0 / fpb;
    window.push_back(std::exp(-0.5 * (z * z)));
  }
  const auto k_len = static_cast<std::ptrdiff_t>(window.size());
  const std::ptrdiff_t half = k_len / 2;
  std::vector<double> score(onset.size());
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    double acc = 0.0;
    const std::ptrdiff_t k_lo = std::max<std::ptrdiff_t>(0, i + half - n + 1);
    const std::ptrdiff_t k_hi = std::min(i + half, k_len);
    for (std::ptrdiff_t k = k_lo; k < k_hi; ++k) {
      acc += window[static_cast<std::size_t>(k)] *
             static_cast<double>(onset[static_cast<std::size_t>(i + half - k)]);
    }
    score[static_cast<std::size_t>(i)] = acc;
  }
  return score;
}

// __beat_track_dp: best predecessor between i - 2*fpb and i - round(fpb/2), penalised by
// tightness * log-ratio^2; no back-link until the local score first reaches 1% of its max.
void track_dp(const std::vector<double>& localscore, double fpb, double tightness,
              std::vector<int>& backlink, std::vector<double>& cumscore) {
  const std::size_t n = localscore.size();
  backlink.assign(n, -1);
  cumscore.assign(n, 0.0);
  if (n == 0) return;
  const double score_thresh = 0.01 * *std::max_element(localscore.begin(), localscore.end());
  const auto start_off = static_cast<std::ptrdiff_t>(std::nearbyint(fpb / 2));
  const auto stop_off = static_cast<std::ptrdiff_t>(2 * fpb + 1);  // exclusive, as in range()
  const double log_fpb = std::log(fpb);
  bool first_beat = true;
  cumscore[0] = localscore[0];
  for (std::size_t ui = 0; ui < n; ++ui) {
    const auto i = static_cast<std::ptrdiff_t>(ui);
    double best_score = -std::numeric_limits<double>::infinity();
    std::ptrdiff_t beat_location = -1;
    for (std::ptrdiff_t loc = i - start_off; loc > i - stop_off; --loc) {
      if (loc < 0) break;
      const double d = std::log(static_cast<double>(i - loc)) - log_fpb;
      const double score = cumscore[static_cast<std::size_t>(loc)] - tightness * (d * d);
      if (score > best_score) {
        best_score = score;
        beat_location = loc;
      }
    }
    cumscore[ui] = beat_location >= 0 ? localscore[ui] + best_score : localscore[ui];
    if (first_beat && localscore[ui] < score_thresh) {
      backlink[ui] = -1;
    } else {
      backlink[ui] = static_cast<int>(beat_location);
      first_beat = false;
    }
  }
}

// __last_beat: the last local maximum of cumscore reaching half the median of all local maxima
// (np.ma.median: the mean of the middle two for an even count). util.localmax's stencil leaves
// frame 0 out and compares the last frame with its left neighbour only.
std::size_t last_beat(const std::vector<double>& cumscore) {
  const std::size_t n = cumscore.size();
  std::vector<char> is_max(n, 0);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    is_max[i] = cumscore[i] > cumscore[i - 1] && cumscore[i] >= cumscore[i + 1];
  }
  if (n >= 2) is_max[n - 1] = cumscore[n - 1] > cumscore[n - 2];
  std::vector<double> maxima;
  for (std::size_t i = 0; i < n; ++i) {
    if (is_max[i]) maxima.push_back(cumscore[i]);
  }
  if (maxima.empty()) return n - 1;
  std::sort(maxima.begin(), maxima.end());
  const std::size_t c = maxima.size();
  const double median = c % 2 == 1 ? maxima[c / 2] : (maxima[c / 2 - 1] + maxima[c / 2]) / 2.0;
  const double threshold = 0.5 * median;
  for (std::size_t i = n; i-- > 0;) {
    if (is_max[i] && cumscore[i] >= threshold) return i;
  }
  return n - 1;
}

// __trim_beats: drop leading and trailing frames whose local score is at most half the RMS of
// the beats' local scores smoothed by np.hanning(5) (librosa's slice keeps len(beats) + 2 values).
void trim_beats(const std::vector<double>& localscore, std::vector<char>& beats, bool trim) {
  const std::size_t n = localscore.size();
  std::vector<double> at_beats;
  for (std::size_t i = 0; i < n; ++i) {
    if (beats[i]) at_beats.push_back(localscore[i]);
  }
  double w[5];
  for (int k = 0; k < 5; ++k) {  // np.hanning(5): 0.5 + 0.5 cos(pi * m / 4), m = -4, -2, ..., 4
    w[k] = 0.5 + 0.5 * std::cos(std::numbers::pi * static_cast<double>(2 * k - 4) / 4.0);
  }
  double threshold = 0.0;
  if (trim) {
    const std::size_t nb = at_beats.size();
    const std::size_t full = nb + 4;  // np.convolve(..., mode="full")
    const std::size_t lo = 2;
    const std::size_t hi = std::min(full, n + 2);
    double sum_sq = 0.0;
    for (std::size_t j = lo; j < hi; ++j) {
      double acc = 0.0;
      for (std::size_t k = 0; k < nb; ++k) {
        if (j >= k && j - k < 5) acc += at_beats[k] * w[j - k];
      }
      sum_sq += acc * acc;
    }
    const double mean_sq =
        hi > lo ? sum_sq / static_cast<double>(hi - lo) : std::numeric_limits<double>::quiet_NaN();
    threshold = 0.5 * std::sqrt(mean_sq);
  }
  for (std::size_t i = 0; i < n && localscore[i] <= threshold; ++i) beats[i] = 0;
  for (std::size_t i = n; i-- > 0 && localscore[i] <= threshold;) beats[i] = 0;
}

}  // namespace

std::vector<std::size_t> beat_track(std::span<const float> envelope, double bpm,
                                    const BeatParams& p, BeatTrace* trace) {
  const bool any = std::any_of(envelope.begin(), envelope.end(), [](float v) { return v != 0.0f; });
  if (!any) return {};
  if (!(bpm > 0)) throw std::invalid_argument("beat_track: bpm must be strictly positive");
  if (!(p.tightness > 0)) throw std::invalid_argument("beat_track: tightness must be positive");

  const double frame_rate = p.sr / static_cast<double>(p.hop);
  const double fpb = std::nearbyint(frame_rate * 60.0 / bpm);  // np.round: half to even
  // tightness goes through numba as a float32.
  const auto tightness = static_cast<double>(static_cast<float>(p.tightness));

  const std::vector<float> onset = normalize_onsets(envelope);
  std::vector<double> localscore = local_score(onset, fpb);
  std::vector<int> backlink;
  std::vector<double> cumscore;
  track_dp(localscore, fpb, tightness, backlink, cumscore);
  const std::size_t tail = last_beat(cumscore);

  std::vector<char> beats(envelope.size(), 0);
  for (std::ptrdiff_t i = static_cast<std::ptrdiff_t>(tail); i >= 0;
       i = backlink[static_cast<std::size_t>(i)]) {
    beats[static_cast<std::size_t>(i)] = 1;
  }
  trim_beats(localscore, beats, p.trim);

  std::vector<std::size_t> frames;
  for (std::size_t i = 0; i < beats.size(); ++i) {
    if (beats[i]) frames.push_back(i);
  }
  if (trace != nullptr) {
    trace->localscore = std::move(localscore);
    trace->cumscore = std::move(cumscore);
    trace->backlink = std::move(backlink);
    trace->tail = tail;
  }
  return frames;
}

}  // namespace trackprint::dsp
