#include "dsp/chroma.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "dsp/cqt.hpp"

namespace trackprint::dsp {

std::vector<float> cq_to_chroma(std::size_t n_input, std::size_t bins_per_octave) {
  const std::size_t n_chroma = kChromaBins;
  if (bins_per_octave == 0 || bins_per_octave % n_chroma != 0) {
    throw std::invalid_argument("cq_to_chroma: bins_per_octave must be a multiple of 12");
  }
  const std::size_t n_merge = bins_per_octave / n_chroma;
  // np.repeat(np.eye(12), n_merge, axis=1) rolled by -(n_merge // 2) columns: class c covers
  // the n_merge bins centred on bin c * n_merge of each octave.
  const std::size_t col_shift = n_merge / 2;
  // The whole matrix is then rolled by round(mod(hz_to_midi(fmin), 12)) rows so that row 0 is C;
  // for fmin = C1 that is 0 or 12 (hz_to_midi lands within an ulp of 24), i.e. no roll.
  const double fmin = note_c1_hz();
  const double midi = 12.0 * (std::log2(fmin) - std::log2(440.0)) + 69.0;
  const double midi_0 = std::fmod(midi, 12.0);  // np.mod; midi > 0
  const auto roll = static_cast<std::size_t>(
      static_cast<long long>(std::nearbyint(midi_0 * (static_cast<double>(n_chroma) / 12.0))) %
      static_cast<long long>(n_chroma));
  std::vector<float> m(n_chroma * n_input, 0.0f);
  for (std::size_t b = 0; b < n_input; ++b) {
    const std::size_t j = (b % bins_per_octave + col_shift) % bins_per_octave;
    const std::size_t c = (j / n_merge + roll) % n_chroma;
    m[c * n_input + b] = 1.0f;
  }
  return m;
}

std::vector<float> chroma_from_cqt(std::span<const float> cqt, std::size_t n_frames,
                                   std::size_t n_bins, std::size_t bins_per_octave) {
  const std::size_t n_chroma = kChromaBins;
  const std::vector<float> weights = cq_to_chroma(n_bins, bins_per_octave);
  // The weights are 0/1: keep, per CQT bin, the class it adds to.
  std::vector<std::size_t> chroma_of(n_bins);
  for (std::size_t b = 0; b < n_bins; ++b) {
    for (std::size_t c = 0; c < n_chroma; ++c) {
      if (weights[c * n_bins + b] != 0.0f) chroma_of[b] = c;
    }
  }
  std::vector<float> chroma(n_frames * n_chroma, 0.0f);
  const auto tiny = static_cast<double>(std::numeric_limits<float>::min());  // util.tiny(float32)
  for (std::size_t t = 0; t < n_frames; ++t) {
    float* ch = chroma.data() + t * n_chroma;
    const float* c = cqt.data() + t * n_bins;
    // einsum("cf,ft->ct") in float32 (its BLAS may add in another order: last-bit differences).
    for (std::size_t b = 0; b < n_bins; ++b) ch[chroma_of[b]] += c[b];
    double length = 0.0;
    for (std::size_t k = 0; k < n_chroma; ++k) {
      if (ch[k] < 0.0f) ch[k] = 0.0f;  // threshold=0.0
      length = std::max(length, static_cast<double>(std::fabs(ch[k])));
    }
    // util.normalize(norm=inf, fill=None): a frame whose max is below tiny is divided by 1.
    if (length < tiny) length = 1.0;
    for (std::size_t k = 0; k < n_chroma; ++k) {
      ch[k] = static_cast<float>(static_cast<double>(ch[k]) / length);
    }
  }
  return chroma;
}

namespace {

// chroma_cqt's CQT: C1, 7 octaves of 36 bins, hop 512.
CqtParams chroma_params(double sr, double tuning) {
  CqtParams params;
  params.sr = sr;
  params.hop = 512;
  params.n_bins = 7 * kChromaBinsPerOctave;
  params.bins_per_octave = kChromaBinsPerOctave;
  params.tuning = tuning;
  return params;
}

}  // namespace

OctaveLayout chroma_octave_layout(double sr) {
  return octave_layout(chroma_params(sr, 0.0));
}

// chroma_cqt's kernels for one (sr, tuning). Tuning takes at most 100 values (multiples of 0.01
// bins) and a kernel set is ~60 kB, so they are kept for the life of the process instead of
// being rebuilt (~10 ms) for every track.
std::shared_ptr<const ConstantQ> chroma_kernels(double sr, double tuning) {
  static std::mutex mutex;
  static std::map<std::pair<double, double>, std::shared_ptr<const ConstantQ>> cache;
  const std::pair<double, double> key{sr, tuning};
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  // Built outside the lock: other threads go on.
  auto built = std::make_shared<const ConstantQ>(chroma_params(sr, tuning));
  std::lock_guard lock(mutex);
  return cache.try_emplace(key, std::move(built)).first->second;
}

std::vector<float> chroma_cqt(std::span<const float> y, double sr, double tuning) {
  const std::shared_ptr<const ConstantQ> cq = chroma_kernels(sr, tuning);
  const std::vector<float> mag = cq->magnitude(y);
  return chroma_from_cqt(mag, mag.size() / cq->n_bins(), cq->n_bins(), kChromaBinsPerOctave);
}

}  // namespace trackprint::dsp
