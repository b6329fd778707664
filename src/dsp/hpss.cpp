#include "dsp/hpss.hpp"

#include <algorithm>
#include <bit>
#include <complex>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "dsp/istft.hpp"
#include "dsp/lane_median.hpp"
#include "dsp/median_filter.hpp"

namespace trackprint::dsp {
namespace {

// librosa.decompose.hpss defaults: kernel_size=31 for both filters (the lane kernels' window).
constexpr std::size_t kRadius = kLaneRadius;
// Frames go out in batches of kBatch, the last once frame last + 15 is in; the harmonic filter
// of the first reads back to frame first - 16: kRing frames of |S| cover that. S and the
// percussive medians of frame t are needed from push t (t + 15 at the latest for the medians)
// until frame t goes out, at push t + 30 at the latest: kOutRing frames.
constexpr std::size_t kBatch = 16;
constexpr std::size_t kRing = 64;
constexpr std::size_t kOutRing = 32;
static_assert(kRing >= kBatch + 2 * kRadius + 1 && kRing % kLaneWidth == 0);
static_assert(kOutRing > kBatch - 1 + kRadius && kOutRing % kLaneWidth == 0);

// c ? x : y through the bits. GCC would otherwise keep a division that only one side uses
// behind a branch (it may not speculate an operation that could raise an FP exception), and
// the per-bin loops would not vectorise.
[[gnu::always_inline]] inline float select(bool c, float x, float y) {
  const std::uint32_t m = 0u - static_cast<std::uint32_t>(c);
  return std::bit_cast<float>((std::bit_cast<std::uint32_t>(x) & m) |
                              (std::bit_cast<std::uint32_t>(y) & ~m));
}

[[gnu::always_inline]] inline HpssMasks soft_masks(float harm, float perc) {
  // Branch-free so the per-frame loop vectorises; the unused quotients of a bad bin are ignored.
  const float z = std::max(harm, perc);
  const bool bad = z < std::numeric_limits<float>::min();
  const float z_safe = select(bad, 1.0f, z);  // librosa: Z[bad_idx] = 1
  // One of X / Z is Z / Z = 1 exactly: one division instead of two (a bad bin's quotients,
  // which may differ, are not used).
  const bool perc_larger = harm < perc;  // std::max(harm, perc) is perc
  const float q = select(perc_larger, harm, perc) / z_safe;
  const float h = select(perc_larger, q, 1.0f);
  const float p = select(perc_larger, 1.0f, q);
  const float h2 = h * h;  // (X / Z) ** 2.0: numpy squares
  const float p2 = p * p;
  const float sum = h2 + p2;
  return {select(bad, 0.5f, h2 / sum), select(bad, 0.5f, p2 / sum)};
}

// decompose.hpss: S, phase = magphase(S); return (S * mask_harm) * phase, (S * mask_perc) *
// phase, all complex64/float32. magphase sets phase = 1 where |S| == 0. Complex numbers as
// (re, im) float pairs so the loop vectorises.
[[gnu::always_inline]] inline void mask_frame_body(const float* __restrict spec,
                                                   const float* __restrict mag,
                                                   const float* __restrict harm,
                                                   const float* __restrict perc,
                                                   float* __restrict harm_out,
                                                   float* __restrict perc_out, std::size_t n) {
  for (std::size_t b = 0; b < n; ++b) {
    const HpssMasks m = soft_masks(harm[b], perc[b]);
    const float a = mag[b];
    const bool zero = a == 0.0f;
    const float nonzero = select(zero, 1.0f, a);
    const float phase_re = spec[2 * b] / nonzero + select(zero, 1.0f, 0.0f);
    const float phase_im = spec[2 * b + 1] / nonzero;
    const float h = a * m.harmonic;
    const float p = a * m.percussive;
    harm_out[2 * b] = h * phase_re;
    harm_out[2 * b + 1] = h * phase_im;
    perc_out[2 * b] = p * phase_re;
    perc_out[2 * b + 1] = p * phase_im;
  }
}

// Between 16 rows of a matrix (row l at rows + l * stride) and lanes (out[p * 16 + l]): the
// percussive filter runs one lane per frame. Plain loops, which GCC vectorises per target.
[[gnu::always_inline]] inline void to_lanes_body(const float* __restrict rows, std::size_t stride,
                                                 std::size_t n, float* __restrict out) {
  for (std::size_t p = 0; p < n; ++p) {
    for (std::size_t l = 0; l < kLaneWidth; ++l) out[p * kLaneWidth + l] = rows[l * stride + p];
  }
}
[[gnu::always_inline]] inline void from_lanes_body(const float* __restrict in, std::size_t n,
                                                   float* __restrict rows, std::size_t stride) {
  for (std::size_t l = 0; l < kLaneWidth; ++l) {
    for (std::size_t p = 0; p < n; ++p) rows[l * stride + p] = in[p * kLaneWidth + l];
  }
}

// The same with W x W blocks transposed in registers (W = the target's vector width, 16 / W
// blocks of lanes): log2(W) stages, each swapping one bit of the row index with the same bit of
// the column index through two-source shuffles (vpermt2ps on AVX-512).
template <std::size_t W>
struct Vec;  // (GCC drops vector_size on a dependent int typedef: spelt out per width)
template <>
struct Vec<4> {
  typedef float F __attribute__((vector_size(16)));
  typedef int I __attribute__((vector_size(16)));
};
template <>
struct Vec<8> {
  typedef float F __attribute__((vector_size(32)));
  typedef int I __attribute__((vector_size(32)));
};
template <>
struct Vec<16> {
  typedef float F __attribute__((vector_size(64)));
  typedef int I __attribute__((vector_size(64)));
};
#if defined(__GNUC__) && !defined(__clang__)
#define TRACKPRINT_BLOCK_TRANSPOSE 1  // __builtin_shuffle is GCC's
template <std::size_t W>
[[gnu::always_inline]] inline void transpose_block(typename Vec<W>::F (&m)[W]) {
  using V = typename Vec<W>::F;
  using I = typename Vec<W>::I;
#pragma GCC unroll 4
  for (std::size_t d = 1; d < W; d *= 2) {
    I lo, hi;
    for (std::size_t c = 0; c < W; ++c) {
      const auto ci = static_cast<int>(c), di = static_cast<int>(d), wi = static_cast<int>(W);
      lo[c] = (c & d) != 0 ? wi + (ci ^ di) : ci;  // row r (bit clear) takes row r + d's low half
      hi[c] = (c & d) != 0 ? wi + ci : (ci | di);  // row r + d takes row r's high half
    }
#pragma GCC unroll 16
    for (std::size_t r = 0; r < W; ++r) {
      if ((r & d) != 0) continue;
      const V a = m[r], b = m[r + d];
      m[r] = __builtin_shuffle(a, b, lo);
      m[r + d] = __builtin_shuffle(a, b, hi);
    }
  }
}
#endif
template <std::size_t W>
[[gnu::always_inline]] inline void to_lanes_blocks(const float* rows, std::size_t stride,
                                                   std::size_t n, float* out) {
  std::size_t p = 0;
#ifdef TRACKPRINT_BLOCK_TRANSPOSE
  using V = typename Vec<W>::F;
  for (; p + W <= n; p += W) {
#pragma GCC unroll 4
    for (std::size_t l0 = 0; l0 < kLaneWidth; l0 += W) {
      V m[W];
#pragma GCC unroll 16
      for (std::size_t i = 0; i < W; ++i) {
        __builtin_memcpy(&m[i], rows + (l0 + i) * stride + p, sizeof(V));
      }
      transpose_block<W>(m);
#pragma GCC unroll 16
      for (std::size_t j = 0; j < W; ++j) {
        __builtin_memcpy(out + (p + j) * kLaneWidth + l0, &m[j], sizeof(V));
      }
    }
  }
#endif
  to_lanes_body(rows + p, stride, n - p, out + p * kLaneWidth);
}
template <std::size_t W>
[[gnu::always_inline]] inline void from_lanes_blocks(const float* in, std::size_t n, float* rows,
                                                     std::size_t stride) {
  std::size_t p = 0;
#ifdef TRACKPRINT_BLOCK_TRANSPOSE
  using V = typename Vec<W>::F;
  for (; p + W <= n; p += W) {
#pragma GCC unroll 4
    for (std::size_t l0 = 0; l0 < kLaneWidth; l0 += W) {
      V m[W];
#pragma GCC unroll 16
      for (std::size_t j = 0; j < W; ++j) {
        __builtin_memcpy(&m[j], in + (p + j) * kLaneWidth + l0, sizeof(V));
      }
      transpose_block<W>(m);
#pragma GCC unroll 16
      for (std::size_t i = 0; i < W; ++i) {
        __builtin_memcpy(rows + (l0 + i) * stride + p, &m[i], sizeof(V));
      }
    }
  }
#endif
  from_lanes_body(in + p * kLaneWidth, n - p, rows + p, stride);
}

using MaskFrameFn = void (*)(const float*, const float*, const float*, const float*, float*, float*,
                             std::size_t);
using ToLanesFn = void (*)(const float*, std::size_t, std::size_t, float*);
using FromLanesFn = void (*)(const float*, std::size_t, float*, std::size_t);
struct Kernels {
  MaskFrameFn mask_frame;
  ToLanesFn to_lanes;
  FromLanesFn from_lanes;
};

#define TRACKPRINT_HPSS_KERNELS(suffix, attributes, width)                                    \
  attributes void mask_frame_##suffix(const float* spec, const float* mag, const float* harm, \
                                      const float* perc, float* harm_out, float* perc_out,    \
                                      std::size_t n) {                                        \
    mask_frame_body(spec, mag, harm, perc, harm_out, perc_out, n);                            \
  }                                                                                           \
  attributes void to_lanes_##suffix(const float* rows, std::size_t stride, std::size_t n,     \
                                    float* out) {                                             \
    to_lanes_blocks<width>(rows, stride, n, out);                                             \
  }                                                                                           \
  attributes void from_lanes_##suffix(const float* in, std::size_t n, float* rows,            \
                                      std::size_t stride) {                                   \
    from_lanes_blocks<width>(in, n, rows, stride);                                            \
  }                                                                                           \
  constexpr Kernels kernels_##suffix{mask_frame_##suffix, to_lanes_##suffix, from_lanes_##suffix};

TRACKPRINT_HPSS_KERNELS(generic, , 4)
#ifdef TRACKPRINT_X86_TARGETS
// Only IEEE-exact operations (+ - * /, compares, no fusing), so the bits do not depend on the
// instruction set.
TRACKPRINT_HPSS_KERNELS(avx2, TRACKPRINT_TARGET_AVX2, 8)
TRACKPRINT_HPSS_KERNELS(avx512, TRACKPRINT_TARGET_AVX512, 16)
#endif

Kernels kernels_for(SimdTarget target) {
  switch (target) {
#ifdef TRACKPRINT_X86_TARGETS
    case SimdTarget::avx512:
      return kernels_avx512;
    case SimdTarget::avx2:
      return kernels_avx2;
#endif
    default:
      return kernels_generic;
  }
}

// Four running sums: one would make every sample wait for the previous addition.
void add_energy(std::span<const float> part, double (&sums)[4]) {
  std::size_t i = 0;
  for (; i + 4 <= part.size(); i += 4) {
    for (std::size_t k = 0; k < 4; ++k) {
      sums[k] += static_cast<double>(part[i + k]) * static_cast<double>(part[i + k]);
    }
  }
  for (; i < part.size(); ++i)
    sums[0] += static_cast<double>(part[i]) * static_cast<double>(part[i]);
}

}  // namespace

HpssMasks hpss_soft_masks(float harm, float perc) {
  return soft_masks(harm, perc);
}

struct HpssEnergyAccumulator::State {
  State(std::size_t n_fft_, std::size_t hop_, std::size_t length, std::size_t stft_frames,
        SimdTarget target_)
      : n_bins(n_fft_ / 2 + 1),
        n_frames(stft_frames),
        groups((n_bins + kLaneWidth - 1) / kLaneWidth),
        padded(groups * kLaneWidth),
        target(target_),
        inv_h(n_fft_, hop_, stft_frames, length, true, target_),
        inv_p(n_fft_, hop_, stft_frames, length, true, target_),
        mag_ring(kRing * padded, 0.0f),
        spec_ring(kOutRing * n_bins),
        perc_ring(kOutRing * padded),
        harm_state(groups * kLaneGroupState),
        harm(kBatch * padded),
        inf_row(padded, std::numeric_limits<float>::infinity()),
        ext((n_bins + 2 * kRadius) * kLaneWidth),
        perc_t(n_bins * kLaneWidth),
        perc_state(kLaneGroupState),
        kernels(kernels_for(target_)) {
    // The percussive filter slides along the bins of up to 16 frames at once (one lane each):
    // kLaneWindow steps load the reflected window of bin 0, then each step moves one bin.
    const std::size_t steps = n_bins + 2 * kRadius;
    ext_bin.resize(steps);
    for (std::size_t p = 0; p < steps; ++p) {
      ext_bin[p] = reflect_index(
          static_cast<std::ptrdiff_t>(p) - static_cast<std::ptrdiff_t>(kRadius), n_bins);
    }
    p_leave.resize(steps);
    p_enter.resize(steps);
    p_out.assign(steps, nullptr);
    for (std::size_t k = 0; k < steps; ++k) {
      const bool loading = k < 2 * kRadius + 1;
      p_leave[k] = loading ? inf_row.data() : ext.data() + (k - 2 * kRadius - 1) * kLaneWidth;
      p_enter[k] = ext.data() + k * kLaneWidth;
      if (k >= 2 * kRadius) p_out[k] = perc_t.data() + (k - 2 * kRadius) * kLaneWidth;
    }
  }

  float* mag_row(std::size_t t) { return mag_ring.data() + (t % kRing) * padded; }
  float* perc_row(std::size_t t) { return perc_ring.data() + (t % kOutRing) * padded; }
  std::complex<float>* spec_row(std::size_t t) {
    return spec_ring.data() + (t % kOutRing) * n_bins;
  }

  // Percussive medians of frames [first, first + 16) (the last batch may have fewer real
  // frames; its other lanes filter stale rows, unused), into perc_ring.
  void percussive(std::size_t first) {
    // Batches start at multiples of 16, and so do the rings: their rows are consecutive.
    kernels.to_lanes(mag_row(first), padded, n_bins, ext.data() + kRadius * kLaneWidth);
    for (std::size_t p = 0; p < ext_bin.size(); ++p) {
      if (p >= kRadius && p < kRadius + n_bins) continue;
      const float* from = ext.data() + (kRadius + ext_bin[p]) * kLaneWidth;
      std::copy(from, from + kLaneWidth, ext.data() + p * kLaneWidth);
    }
    lane_median_clear(perc_state.data(), 1);
    lane_median_steps(perc_state.data(), 1, p_leave.size(), p_leave.data(), p_enter.data(),
                      p_out.data(), target);
    kernels.from_lanes(perc_t.data(), n_bins, perc_row(first), padded);
  }

  // Frames [first, last] (at most kBatch): their harmonic medians (one running median across
  // time per bin, median_filter size (1, 31) on the (bins, frames) matrix, 16 bins a lane
  // group, each group's windows kept in registers across the frames), then masks, inverse STFT
  // and energy frame by frame.
  void emit(std::size_t first, std::size_t last) {
    const auto r = static_cast<std::ptrdiff_t>(kRadius);
    std::size_t steps = 0;
    for (std::size_t t = first; t <= last; ++t) {
      const auto ts = static_cast<std::ptrdiff_t>(t);
      if (t == 0) {
        // The window of frame 0 is frames reflect(-15 .. 15), loaded into empty windows.
        lane_median_clear(harm_state.data(), groups);
        for (std::ptrdiff_t j = -r; j <= r; ++j) {
          h_leave[steps] = inf_row.data();
          h_enter[steps] = mag_row(reflect_index(j, n_frames));
          h_out[steps++] = nullptr;
        }
        --steps;  // the last loading step gives frame 0's median
      } else {
        h_leave[steps] = mag_row(reflect_index(ts - 1 - r, n_frames));
        h_enter[steps] = mag_row(reflect_index(ts + r, n_frames));
      }
      h_out[steps++] = harm.data() + (t - first) * padded;
    }
    lane_median_steps(harm_state.data(), groups, steps, h_leave.data(), h_enter.data(),
                      h_out.data(), target);
    for (std::size_t t = first; t <= last; ++t) {
      kernels.mask_frame(reinterpret_cast<const float*>(spec_row(t)), mag_row(t),
                         harm.data() + (t - first) * padded, perc_row(t),
                         reinterpret_cast<float*>(inv_h.frame_input()),
                         reinterpret_cast<float*>(inv_p.frame_input()), n_bins);
      const std::span<const float> h = inv_h.push_input();
      const std::span<const float> p = inv_p.push_input();
      add_energy(h, sums_h);
      add_energy(p, sums_p);
      if (sink) sink(h, p);
    }
  }

  std::size_t n_bins, n_frames, groups, padded;
  SimdTarget target;
  InverseStft inv_h, inv_p;
  std::vector<float> mag_ring;                 // |S| of the last kRing frames, rows of `padded`
  std::vector<std::complex<float>> spec_ring;  // S of the last kOutRing frames
  std::vector<float> perc_ring;                // their percussive medians
  std::vector<float> harm_state;               // the per-bin windows across time
  std::vector<float> harm;                     // the harmonic medians of the frames going out
  std::vector<const float*> h_leave = std::vector<const float*>(kBatch + 2 * kRadius),
                            h_enter = std::vector<const float*>(kBatch + 2 * kRadius);
  std::vector<float*> h_out = std::vector<float*>(kBatch + 2 * kRadius);
  std::vector<float> inf_row;
  std::vector<std::size_t> ext_bin;  // bin read at each position of the extension
  std::vector<float> ext;            // reflect-extended frames, lane-interleaved
  std::vector<float> perc_t;         // percussive medians, lane-interleaved
  std::vector<float> perc_state;
  std::vector<const float*> p_leave, p_enter;
  std::vector<float*> p_out;
  Kernels kernels;
  HpssEnergyAccumulator::SignalSink sink;
  double sums_h[4] = {0, 0, 0, 0}, sums_p[4] = {0, 0, 0, 0};
  std::size_t pushed = 0, emitted = 0, perc_done = 0;
};

HpssEnergyAccumulator::HpssEnergyAccumulator(std::size_t n_fft, std::size_t hop, std::size_t length)
    : HpssEnergyAccumulator(n_fft, hop, length, stft_frame_count(length, n_fft, hop, true)) {}

HpssEnergyAccumulator::HpssEnergyAccumulator(std::size_t n_fft, std::size_t hop, std::size_t length,
                                             std::size_t stft_frames, SimdTarget target)
    : st_(std::make_unique<State>(n_fft, hop, length, stft_frames, target)) {}

HpssEnergyAccumulator::~HpssEnergyAccumulator() = default;

std::size_t HpssEnergyAccumulator::frame_count() const {
  return st_->n_frames;
}

void HpssEnergyAccumulator::push(std::span<const std::complex<float>> frame,
                                 std::span<const float> magnitude) {
  State& s = *st_;
  if (frame.size() != s.n_bins || magnitude.size() != s.n_bins) {
    throw std::invalid_argument("hpss: frame size != n_fft/2+1");
  }
  if (s.pushed >= s.n_frames) throw std::logic_error("hpss: more frames than frame_count()");
  const std::size_t k = s.pushed++;
  std::copy(magnitude.begin(), magnitude.end(), s.mag_row(k));
  std::copy(frame.begin(), frame.end(), s.spec_row(k));
  const bool final_frame = k + 1 == s.n_frames;
  if (k - s.perc_done + 1 == kLaneWidth || final_frame) {
    s.percussive(s.perc_done);
    s.perc_done = k + 1;
  }
  // Frame t is ready once frames up to t + 15 (or the last) are in. The istft may use fewer
  // frames than S has, but the filters see all of S, like librosa.
  const std::size_t out_frames = s.inv_h.frame_count();
  while (s.emitted < out_frames) {
    const std::size_t last = std::min(s.emitted + kBatch, out_frames) - 1;
    if (std::min(last + kRadius, s.n_frames - 1) > k) break;
    s.emit(s.emitted, last);
    s.emitted = last + 1;
  }
}

HpssEnergy HpssEnergyAccumulator::finish() {
  State& s = *st_;
  if (s.pushed != s.n_frames) throw std::logic_error("hpss: finish() before the last frame");
  const std::span<const float> h = s.inv_h.finish();
  const std::span<const float> p = s.inv_p.finish();
  add_energy(h, s.sums_h);
  add_energy(p, s.sums_p);
  if (s.sink) s.sink(h, p);
  HpssEnergy energy;
  energy.harmonic = (s.sums_h[0] + s.sums_h[1]) + (s.sums_h[2] + s.sums_h[3]);
  energy.percussive = (s.sums_p[0] + s.sums_p[1]) + (s.sums_p[2] + s.sums_p[3]);
  return energy;
}

void HpssEnergyAccumulator::stream_signals(SignalSink sink) {
  st_->sink = std::move(sink);
}

HpssEnergy hpss_energy(const Spectrogram& s, std::span<const float> magnitude, std::size_t hop,
                       std::size_t length) {
  if (magnitude.size() != s.data.size()) throw std::invalid_argument("hpss: |S| size mismatch");
  if (s.n_frames == 0 || s.n_bins < 2) return {};
  HpssEnergyAccumulator acc(2 * (s.n_bins - 1), hop, length, s.n_frames);
  for (std::size_t t = 0; t < s.n_frames; ++t) {
    acc.push(s.frame(t), magnitude.subspan(t * s.n_bins, s.n_bins));
  }
  return acc.finish();
}

}  // namespace trackprint::dsp
