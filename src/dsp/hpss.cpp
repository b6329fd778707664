// The per-frame kernels (masks and phase; the transposes between frames and lanes) are
// compiled once per instruction set by Highway (foreach_target) and picked at run time. They use
// only IEEE-exact operations (+ - * /, compares, selects; no fusing), so the bits do not depend
// on the instruction set; tests run every target the machine has.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "dsp/hpss.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "dsp/lane_median.hpp"

HWY_BEFORE_NAMESPACE();
namespace trackprint::dsp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// decompose.hpss: S, phase = magphase(S); return (S * mask_harm) * phase, all complex64/float32,
// with the harmonic soft mask of hpss_soft_masks (the scalar reference below: power 2,
// split_zeros, so where max(H, P) < tiny it is 0.5). magphase sets phase = 1 where |S| == 0.
// spec and the output are (re, im) pairs; Lanes(d) bins. (The percussive part is y - h: see
// HpssEnergyAccumulator::push_samples.)
template <class D>
HWY_INLINE void mask_bins(D d, const float* HWY_RESTRICT spec, const float* HWY_RESTRICT mag,
                          const float* HWY_RESTRICT harm, const float* HWY_RESTRICT perc,
                          float* HWY_RESTRICT harm_out) {
  const auto one = hn::Set(d, 1.0f);
  const auto zero = hn::Zero(d);
  const auto half = hn::Set(d, 0.5f);
  const auto h_in = hn::LoadU(d, harm);
  const auto p_in = hn::LoadU(d, perc);
  // One of X / Z is Z / Z = 1 exactly: one division gives both (a bad bin's are not used).
  const auto perc_larger = hn::Lt(h_in, p_in);
  const auto z = hn::IfThenElse(perc_larger, p_in, h_in);  // std::max(harm, perc)
  const auto bad = hn::Lt(z, hn::Set(d, std::numeric_limits<float>::min()));
  const auto q = hn::Div(hn::IfThenElse(perc_larger, h_in, p_in), hn::IfThenElse(bad, one, z));
  const auto hq = hn::IfThenElse(perc_larger, q, one);
  const auto pq = hn::IfThenElse(perc_larger, one, q);
  const auto h2 = hn::Mul(hq, hq);  // (X / Z) ** 2.0: numpy squares
  const auto p2 = hn::Mul(pq, pq);
  const auto sum = hn::Add(h2, p2);
  const auto mask_h = hn::IfThenElse(bad, half, hn::Div(h2, sum));
  const auto a = hn::LoadU(d, mag);
  hn::Vec<D> re, im;
  hn::LoadInterleaved2(d, spec, re, im);
  const auto is_zero = hn::Eq(a, zero);
  const auto nonzero = hn::IfThenElse(is_zero, one, a);
  const auto phase_re = hn::Add(hn::Div(re, nonzero), hn::IfThenElse(is_zero, one, zero));
  const auto phase_im = hn::Div(im, nonzero);
  const auto h = hn::Mul(a, mask_h);
  hn::StoreInterleaved2(hn::Mul(h, phase_re), hn::Mul(h, phase_im), d, harm_out);
}

void MaskFrame(const float* spec, const float* mag, const float* harm, const float* perc,
               float* harm_out, std::size_t n) {
  const hn::ScalableTag<float> d;
  const std::size_t w = hn::Lanes(d);
  std::size_t b = 0;
  for (; b + w <= n; b += w) {
    mask_bins(d, spec + 2 * b, mag + b, harm + b, perc + b, harm_out + 2 * b);
  }
  const hn::CappedTag<float, 1> d1;  // the last bins, through the same operations
  for (; b < n; ++b) {
    mask_bins(d1, spec + 2 * b, mag + b, harm + b, perc + b, harm_out + 2 * b);
  }
}

#if HWY_TARGET != HWY_SCALAR
// The 4 x 4 transpose of rows a, b, c, e (in 128-bit vectors, on every target).
template <class D, class V>
HWY_INLINE void transpose4(D d, V& a, V& b, V& c, V& e) {
  const hn::Repartition<double, D> dd;
  const auto t0 = hn::BitCast(dd, hn::InterleaveLower(d, a, b));  // a0 b0 a1 b1
  const auto t1 = hn::BitCast(dd, hn::InterleaveLower(d, c, e));  // c0 e0 c1 e1
  const auto t2 = hn::BitCast(dd, hn::InterleaveUpper(d, a, b));  // a2 b2 a3 b3
  const auto t3 = hn::BitCast(dd, hn::InterleaveUpper(d, c, e));  // c2 e2 c3 e3
  a = hn::BitCast(d, hn::InterleaveLower(dd, t0, t1));
  b = hn::BitCast(d, hn::InterleaveUpper(dd, t0, t1));
  c = hn::BitCast(d, hn::InterleaveLower(dd, t2, t3));
  e = hn::BitCast(d, hn::InterleaveUpper(dd, t2, t3));
}
#endif

// Between 16 rows of a matrix (row l at rows + l * stride) and lanes (out[p * 16 + l]): the
// percussive filter runs one lane per frame. 4 x 4 blocks are transposed in registers.
void ToLanes(const float* HWY_RESTRICT rows, std::size_t stride, std::size_t n,
             float* HWY_RESTRICT out) {
  std::size_t p = 0;
#if HWY_TARGET != HWY_SCALAR
  const hn::FixedTag<float, 4> d;
  for (; p + 4 <= n; p += 4) {
    for (std::size_t l = 0; l < kLaneWidth; l += 4) {
      auto a = hn::LoadU(d, rows + l * stride + p), b = hn::LoadU(d, rows + (l + 1) * stride + p),
           c = hn::LoadU(d, rows + (l + 2) * stride + p),
           e = hn::LoadU(d, rows + (l + 3) * stride + p);
      transpose4(d, a, b, c, e);
      hn::StoreU(a, d, out + p * kLaneWidth + l);
      hn::StoreU(b, d, out + (p + 1) * kLaneWidth + l);
      hn::StoreU(c, d, out + (p + 2) * kLaneWidth + l);
      hn::StoreU(e, d, out + (p + 3) * kLaneWidth + l);
    }
  }
#endif
  for (; p < n; ++p) {
    for (std::size_t l = 0; l < kLaneWidth; ++l) out[p * kLaneWidth + l] = rows[l * stride + p];
  }
}

void FromLanes(const float* HWY_RESTRICT in, std::size_t n, float* HWY_RESTRICT rows,
               std::size_t stride) {
  std::size_t p = 0;
#if HWY_TARGET != HWY_SCALAR
  const hn::FixedTag<float, 4> d;
  for (; p + 4 <= n; p += 4) {
    for (std::size_t l = 0; l < kLaneWidth; l += 4) {
      auto a = hn::LoadU(d, in + p * kLaneWidth + l),
           b = hn::LoadU(d, in + (p + 1) * kLaneWidth + l),
           c = hn::LoadU(d, in + (p + 2) * kLaneWidth + l),
           e = hn::LoadU(d, in + (p + 3) * kLaneWidth + l);
      transpose4(d, a, b, c, e);
      hn::StoreU(a, d, rows + l * stride + p);
      hn::StoreU(b, d, rows + (l + 1) * stride + p);
      hn::StoreU(c, d, rows + (l + 2) * stride + p);
      hn::StoreU(e, d, rows + (l + 3) * stride + p);
    }
  }
#endif
  for (; p < n; ++p) {
    for (std::size_t l = 0; l < kLaneWidth; ++l) rows[l * stride + p] = in[p * kLaneWidth + l];
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace trackprint::dsp
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <algorithm>
#include <bit>
#include <complex>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "dsp/hpss.hpp"
#include "dsp/istft.hpp"
#include "dsp/median_filter.hpp"

namespace trackprint::dsp {
HWY_EXPORT(MaskFrame);
HWY_EXPORT(ToLanes);
HWY_EXPORT(FromLanes);

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

// c ? x : y through the bits: the scalar reference below is branch-free like the kernels.
[[gnu::always_inline]] inline float select(bool c, float x, float y) {
  const std::uint32_t m = 0u - static_cast<std::uint32_t>(c);
  return std::bit_cast<float>((std::bit_cast<std::uint32_t>(x) & m) |
                              (std::bit_cast<std::uint32_t>(y) & ~m));
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

// The scalar reference of the soft masks (MaskFrame computes the same per bin).
HpssMasks hpss_soft_masks(float harm, float perc) {
  const float z = std::max(harm, perc);
  const bool bad = z < std::numeric_limits<float>::min();
  const float z_safe = select(bad, 1.0f, z);  // librosa: Z[bad_idx] = 1
  const bool perc_larger = harm < perc;       // std::max(harm, perc) is perc
  const float q = select(perc_larger, harm, perc) / z_safe;
  const float h = select(perc_larger, q, 1.0f);
  const float p = select(perc_larger, 1.0f, q);
  const float h2 = h * h;
  const float p2 = p * p;
  const float sum = h2 + p2;
  return {select(bad, 0.5f, h2 / sum), select(bad, 0.5f, p2 / sum)};
}

struct HpssEnergyAccumulator::State {
  State(std::size_t n_fft_, std::size_t hop_)
      : n_bins(n_fft_ / 2 + 1),
        groups((n_bins + kLaneWidth - 1) / kLaneWidth),
        padded(groups * kLaneWidth),
        inv_h(n_fft_, hop_, true),
        mag_ring(kRing * padded, 0.0f),
        spec_ring(kOutRing * n_bins),
        perc_ring(kOutRing * padded),
        harm_state(groups * kLaneGroupState),
        harm(kBatch * padded),
        inf_row(padded, std::numeric_limits<float>::infinity()),
        ext((n_bins + 2 * kRadius) * kLaneWidth),
        perc_t(n_bins * kLaneWidth),
        perc_state(kLaneGroupState) {
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
    HWY_DYNAMIC_DISPATCH(ToLanes)
    (mag_row(first), padded, n_bins, ext.data() + kRadius * kLaneWidth);
    for (std::size_t p = 0; p < ext_bin.size(); ++p) {
      if (p >= kRadius && p < kRadius + n_bins) continue;
      const float* from = ext.data() + (kRadius + ext_bin[p]) * kLaneWidth;
      std::copy(from, from + kLaneWidth, ext.data() + p * kLaneWidth);
    }
    lane_median_clear(perc_state.data(), 1);
    lane_median_steps(perc_state.data(), 1, p_leave.size(), p_leave.data(), p_enter.data(),
                      p_out.data());
    HWY_DYNAMIC_DISPATCH(FromLanes)(perc_t.data(), n_bins, perc_row(first), padded);
  }

  // Frames [first, last] (at most kBatch): their harmonic medians (one running median across
  // time per bin, median_filter size (1, 31) on the (bins, frames) matrix, 16 bins a lane
  // group, each group's windows kept in registers across the frames), then masks, inverse STFT
  // and energy frame by frame.
  void emit(std::size_t first, std::size_t last) {
    const auto r = static_cast<std::ptrdiff_t>(kRadius);
    // Until the frame count is known no window reaches the end: the frames so far reflect the
    // start the same way.
    const std::size_t n = n_frames == InverseStft::kUnknown ? pushed : n_frames;
    std::size_t steps = 0;
    for (std::size_t t = first; t <= last; ++t) {
      const auto ts = static_cast<std::ptrdiff_t>(t);
      if (t == 0) {
        // The window of frame 0 is frames reflect(-15 .. 15), loaded into empty windows.
        lane_median_clear(harm_state.data(), groups);
        for (std::ptrdiff_t j = -r; j <= r; ++j) {
          h_leave[steps] = inf_row.data();
          h_enter[steps] = mag_row(reflect_index(j, n));
          h_out[steps++] = nullptr;
        }
        --steps;  // the last loading step gives frame 0's median
      } else {
        h_leave[steps] = mag_row(reflect_index(ts - 1 - r, n));
        h_enter[steps] = mag_row(reflect_index(ts + r, n));
      }
      h_out[steps++] = harm.data() + (t - first) * padded;
    }
    lane_median_steps(harm_state.data(), groups, steps, h_leave.data(), h_enter.data(),
                      h_out.data());
    for (std::size_t t = first; t <= last; ++t) {
      HWY_DYNAMIC_DISPATCH(MaskFrame)
      (reinterpret_cast<const float*>(spec_row(t)), mag_row(t), harm.data() + (t - first) * padded,
       perc_row(t), reinterpret_cast<float*>(inv_h.frame_input()), n_bins);
      add_parts(inv_h.push_input());
    }
  }

  // The next samples of h, and of p = y - h beside them, into the sums (and the sink).
  void add_parts(std::span<const float> h) {
    if (y.size() - y_head < h.size()) {
      throw std::logic_error("hpss: the samples of y must come before the frames made from them");
    }
    percussive_part.resize(h.size());
    const float* x = y.data() + y_head;
    for (std::size_t i = 0; i < h.size(); ++i) percussive_part[i] = x[i] - h[i];
    y_head += h.size();
    add_energy(h, sums_h);
    add_energy(percussive_part, sums_p);
    if (sink) sink(h, percussive_part);
    // y is kept only from the next sample h needs: 15 to 30 frames' worth.
    if (y_head >= (std::size_t{1} << 16) && 2 * y_head >= y.size()) {
      y.erase(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(y_head));
      y_head = 0;
    }
  }

  // Emits every batch whose harmonic medians are known once frame k is in (frames up to
  // last + 15, or the last frame): batch by batch, in order, whether or not the frame count
  // is known yet (before it is, no batch reaches near the end).
  void emit_ready(std::size_t k) {
    const std::size_t out_frames = inv_h.frame_count();
    while (emitted < out_frames) {
      const std::size_t last = std::min(emitted + kBatch, out_frames) - 1;
      if (std::min(last + kRadius, n_frames - 1) > k) break;
      emit(emitted, last);
      emitted = last + 1;
    }
  }

  // The frame count from here on (with S's own frame count, and librosa.istft's length).
  void set_extent(std::size_t stft_frames, std::size_t length) {
    if (pushed > stft_frames) throw std::logic_error("hpss: more frames than frame_count()");
    n_frames = stft_frames;
    inv_h.set_extent(stft_frames, length);
  }

  std::size_t n_bins;
  std::size_t n_frames = InverseStft::kUnknown;
  std::size_t groups, padded;
  InverseStft inv_h;
  std::vector<float> y;  // the samples of y from y_head on are not yet used
  std::size_t y_head = 0;
  std::vector<float> percussive_part;          // p of the samples being added
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
  HpssEnergyAccumulator::SignalSink sink;
  double sums_h[4] = {0, 0, 0, 0}, sums_p[4] = {0, 0, 0, 0};
  std::size_t pushed = 0, emitted = 0, perc_done = 0;
};

HpssEnergyAccumulator::HpssEnergyAccumulator(std::size_t n_fft, std::size_t hop)
    : st_(std::make_unique<State>(n_fft, hop)) {}

HpssEnergyAccumulator::HpssEnergyAccumulator(std::size_t n_fft, std::size_t hop, std::size_t length)
    : HpssEnergyAccumulator(n_fft, hop, length, stft_frame_count(length, n_fft, hop, true)) {}

HpssEnergyAccumulator::HpssEnergyAccumulator(std::size_t n_fft, std::size_t hop, std::size_t length,
                                             std::size_t stft_frames)
    : HpssEnergyAccumulator(n_fft, hop) {
  st_->set_extent(stft_frames, length);
}

HpssEnergyAccumulator::~HpssEnergyAccumulator() = default;

std::size_t HpssEnergyAccumulator::frame_count() const {
  return st_->n_frames;
}

void HpssEnergyAccumulator::push(std::span<const std::complex<float>> frame,
                                 std::span<const float> magnitude) {
  if (frame.size() != st_->n_bins || magnitude.size() != st_->n_bins) {
    throw std::invalid_argument("hpss: frame size != n_fft/2+1");
  }
  if (st_->pushed >= st_->n_frames) throw std::logic_error("hpss: more frames than frame_count()");
  std::copy(magnitude.begin(), magnitude.end(), magnitude_slot().begin());
  std::copy(frame.begin(), frame.end(), frame_slot().begin());
  commit();
}

std::span<std::complex<float>> HpssEnergyAccumulator::frame_slot() {
  return {st_->spec_row(st_->pushed), st_->n_bins};
}

std::span<float> HpssEnergyAccumulator::magnitude_slot() {
  return {st_->mag_row(st_->pushed), st_->n_bins};
}

void HpssEnergyAccumulator::commit() {
  State& s = *st_;
  if (s.pushed >= s.n_frames) throw std::logic_error("hpss: more frames than frame_count()");
  const std::size_t k = s.pushed++;
  const bool final_frame = k + 1 == s.n_frames;
  if (k - s.perc_done + 1 == kLaneWidth || final_frame) {
    s.percussive(s.perc_done);
    s.perc_done = k + 1;
  }
  // The istft may use fewer frames than S has, but the filters see all of S, like librosa.
  s.emit_ready(k);
}

HpssEnergy HpssEnergyAccumulator::finish(std::size_t length) {
  State& s = *st_;
  s.set_extent(s.pushed, length);
  // The last batches, now that the end of S (where the medians reflect) is known.
  if (s.perc_done < s.pushed) {
    s.percussive(s.perc_done);
    s.perc_done = s.pushed;
  }
  if (s.pushed > 0) s.emit_ready(s.pushed - 1);
  return finish();
}

HpssEnergy HpssEnergyAccumulator::finish() {
  State& s = *st_;
  if (s.pushed != s.n_frames) throw std::logic_error("hpss: finish() before the last frame");
  s.add_parts(s.inv_h.finish());
  HpssEnergy energy;
  energy.harmonic = (s.sums_h[0] + s.sums_h[1]) + (s.sums_h[2] + s.sums_h[3]);
  energy.percussive = (s.sums_p[0] + s.sums_p[1]) + (s.sums_p[2] + s.sums_p[3]);
  return energy;
}

void HpssEnergyAccumulator::push_samples(std::span<const float> y) {
  st_->y.insert(st_->y.end(), y.begin(), y.end());
}

void HpssEnergyAccumulator::stream_signals(SignalSink sink) {
  st_->sink = std::move(sink);
}

HpssEnergy hpss_energy(const Spectrogram& s, std::span<const float> magnitude, std::size_t hop,
                       std::span<const float> y) {
  if (magnitude.size() != s.data.size()) throw std::invalid_argument("hpss: |S| size mismatch");
  if (s.n_frames == 0 || s.n_bins < 2) return {};
  HpssEnergyAccumulator acc(2 * (s.n_bins - 1), hop, y.size(), s.n_frames);
  acc.push_samples(y);
  for (std::size_t t = 0; t < s.n_frames; ++t) {
    acc.push(s.frame(t), magnitude.subspan(t * s.n_bins, s.n_bins));
  }
  return acc.finish();
}

}  // namespace trackprint::dsp
#endif  // HWY_ONCE
