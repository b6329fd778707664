// The kernels are compiled once per instruction set by Highway (foreach_target) and picked at
// run time; each does the same IEEE operations in the same order on every target, so every
// target gives the same bits. The block sums are libebur128 1.2.6's ebur128_calc_gating_block,
// operation for operation; the filter is its ebur128_filter_float but for the order of one sum.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "dsp/loudness.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace trackprint::dsp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Lanes per vector for N channels side by side: N, or fewer where the target's vectors are
// narrower (HWY_SCALAR has one lane), the channels then taken a group at a time.
template <std::size_t N>
constexpr std::size_t kGroup = N < HWY_LANES(double) ? N : HWY_LANES(double);

// The K-weighting filter on N channels side by side (x: n frames of N doubles):
//   v0 = x - a4 v4 - a3 v3 - a2 v2 - a1 v1,  y = b0 v0 + b1 v1 + b2 v2 + b3 v3 + b4 v4
// evaluated left to right; y goes to out + i * out_stride. state: v1..v4, N each. libebur128
// subtracts a1 v1 first; here it comes last, because v1 is the value the previous frame has just
// made: each frame then waits for one multiply and one subtraction of the last instead of one
// multiply and four subtractions, which made this recursion the slowest loop of the meter. The
// sum is the same but rounded in another order, so lufs differs from libebur128's in its last
// bits (tests/unit/test_loudness.cpp bounds by how much).
template <std::size_t N>
void filter_lanes(const double* HWY_RESTRICT x, std::size_t n, const double* HWY_RESTRICT b,
                  const double* HWY_RESTRICT a, double* HWY_RESTRICT state,
                  double* HWY_RESTRICT out, std::size_t out_stride) {
  constexpr std::size_t L = kGroup<N>;
  const hn::FixedTag<double, L> d;
  const auto b0 = hn::Set(d, b[0]), b1 = hn::Set(d, b[1]), b2 = hn::Set(d, b[2]),
             b3 = hn::Set(d, b[3]), b4 = hn::Set(d, b[4]);
  const auto a1 = hn::Set(d, a[1]), a2 = hn::Set(d, a[2]), a3 = hn::Set(d, a[3]),
             a4 = hn::Set(d, a[4]);
  for (std::size_t g = 0; g < N; g += L) {
    auto v1 = hn::LoadU(d, state + g), v2 = hn::LoadU(d, state + N + g),
         v3 = hn::LoadU(d, state + 2 * N + g), v4 = hn::LoadU(d, state + 3 * N + g);
    for (std::size_t i = 0; i < n; ++i) {
      const auto v0 = hn::Sub(
          hn::Sub(hn::Sub(hn::Sub(hn::LoadU(d, x + i * N + g), hn::Mul(a4, v4)), hn::Mul(a3, v3)),
                  hn::Mul(a2, v2)),
          hn::Mul(a1, v1));
      const auto y =
          hn::Add(hn::Add(hn::Add(hn::Add(hn::Mul(b0, v0), hn::Mul(b1, v1)), hn::Mul(b2, v2)),
                          hn::Mul(b3, v3)),
                  hn::Mul(b4, v4));
      hn::StoreU(y, d, out + i * out_stride + g);
      v4 = v3;
      v3 = v2;
      v2 = v1;
      v1 = v0;
    }
    hn::StoreU(v1, d, state + g);
    hn::StoreU(v2, d, state + N + g);
    hn::StoreU(v3, d, state + 2 * N + g);
    hn::StoreU(v4, d, state + 3 * N + g);
  }
}

void FilterLanes(std::size_t lanes, const double* x, std::size_t n, const double* b,
                 const double* a, double* state, double* out, std::size_t out_stride) {
  if (lanes == 2) {
    filter_lanes<2>(x, n, b, a, state, out, out_stride);
  } else {
    filter_lanes<1>(x, n, b, a, state, out, out_stride);
  }
}

// G blocks' sums of squares at once (independent additions, so they overlap), each a running
// sum over its four chunks in the order given: chunk[g * 4 + j] is block g's j-th, `frames`
// frames apart by `stride` doubles, N channels side by side. sums: G x N.
template <std::size_t N, std::size_t G>
void sum_squares(const double* const* chunk, std::size_t frames, std::size_t stride, double* sums) {
  constexpr std::size_t L = kGroup<N>;
  const hn::FixedTag<double, L> d;
  for (std::size_t lane = 0; lane < N; lane += L) {
    hn::Vec<decltype(d)> acc[G];
    for (std::size_t g = 0; g < G; ++g) acc[g] = hn::Zero(d);
    for (std::size_t j = 0; j < 4; ++j) {
      for (std::size_t i = 0; i < frames; ++i) {
        for (std::size_t g = 0; g < G; ++g) {
          const auto v = hn::LoadU(d, chunk[g * 4 + j] + i * stride + lane);
          acc[g] = hn::Add(acc[g], hn::Mul(v, v));
        }
      }
    }
    for (std::size_t g = 0; g < G; ++g) hn::StoreU(acc[g], d, sums + g * N + lane);
  }
}

template <std::size_t N>
void sum_squares_n(std::size_t blocks, const double* const* chunk, std::size_t frames,
                   std::size_t stride, double* sums) {
  switch (blocks) {
    case 4:
      return sum_squares<N, 4>(chunk, frames, stride, sums);
    case 3:
      return sum_squares<N, 3>(chunk, frames, stride, sums);
    case 2:
      return sum_squares<N, 2>(chunk, frames, stride, sums);
    default:
      return sum_squares<N, 1>(chunk, frames, stride, sums);
  }
}

void SumSquares(std::size_t lanes, std::size_t blocks, const double* const* chunk,
                std::size_t frames, std::size_t stride, double* sums) {
  if (lanes == 2) {
    sum_squares_n<2>(blocks, chunk, frames, stride, sums);
  } else {
    sum_squares_n<1>(blocks, chunk, frames, stride, sums);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace trackprint::dsp
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "dsp/loudness.hpp"
#include "trackprint/error.hpp"
#include "trackprint/limits.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace trackprint::dsp {
HWY_EXPORT(FilterLanes);
HWY_EXPORT(SumSquares);

namespace {

constexpr std::size_t kSlots = 8;         // chunks kept: 4 pending blocks reach 7 back
constexpr std::size_t kBlocksAtOnce = 4;  // blocks whose sums run side by side
constexpr std::size_t kChunksPerBlock = 4;

// libebur128 filters with the x86 FPU flushing denormal results to zero (its TURN_ON_FTZ):
// so does this, for the filter only (the blocks' sums of squares run without it, as there).
class FlushToZero {
 public:
#if defined(__x86_64__) || defined(__i386__)
  FlushToZero() : csr_(_mm_getcsr()) {
    _mm_setcsr(csr_ | _MM_FLUSH_ZERO_ON);
  }
  ~FlushToZero() {
    _mm_setcsr(csr_);
  }
  static constexpr bool kManual = false;

 private:
  unsigned csr_;
#else
  static constexpr bool kManual = true;  // libebur128's FLUSH_MANUALLY: the state, per call
#endif
};

// libebur128: the first block's gate, pow(10, (-70 + 0.691) / 10) (the -70 LKFS threshold).
double absolute_gate() {
  return std::pow(10.0, (-70.0 + 0.691) / 10.0);
}

// libebur128 says -inf for silence; the spec's floor is -70 LUFS.
double floored(double lufs) {
  return std::isfinite(lufs) && lufs >= -70.0 ? lufs : -70.0;
}

}  // namespace

LoudnessMeter::LoudnessMeter(int sample_rate, std::span<const LoudnessChannel> channels,
                             bool envelope)
    : sample_rate_(sample_rate) {
  if (channels.empty() || channels.size() > static_cast<std::size_t>(kMaxChannels) ||
      sample_rate < kMinSampleRate || sample_rate > kMaxSampleRate) {
    throw Failure(ErrorKind::unsupported, "loudness: cannot measure " +
                                              std::to_string(channels.size()) + " channels at " +
                                              std::to_string(sample_rate) + " Hz");
  }
  const auto rate = static_cast<std::size_t>(sample_rate);
  // ebur128_init: samples_in_100ms = (rate + 5) / 10; the ring buffer holds 400 ms rounded up to
  // whole 100 ms chunks, and the block sums read it in ring order.
  chunk_frames_ = (rate + 5) / 10;
  std::size_t ring = rate * 400 / 1000;
  if (ring % chunk_frames_ != 0) ring = ring + chunk_frames_ - ring % chunk_frames_;
  ring_chunks_ = ring / chunk_frames_;

  // ebur128_init_filter, expression for expression: a high shelf and a high pass, multiplied
  // into one fourth-order filter.
  double f0 = 1681.974450955533;
  const double G = 3.999843853973347;
  double Q = 0.7071752369554196;
  double K = std::tan(std::numbers::pi * f0 / static_cast<double>(sample_rate));
  const double Vh = std::pow(10.0, G / 20.0);
  const double Vb = std::pow(Vh, 0.4996667741545416);
  double pb[3] = {0.0, 0.0, 0.0};
  double pa[3] = {1.0, 0.0, 0.0};
  const double rb[3] = {1.0, -2.0, 1.0};
  double ra[3] = {1.0, 0.0, 0.0};
  const double a0 = 1.0 + K / Q + K * K;
  pb[0] = (Vh + Vb * K / Q + K * K) / a0;
  pb[1] = 2.0 * (K * K - Vh) / a0;
  pb[2] = (Vh - Vb * K / Q + K * K) / a0;
  pa[1] = 2.0 * (K * K - 1.0) / a0;
  pa[2] = (1.0 - K / Q + K * K) / a0;
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = std::tan(std::numbers::pi * f0 / static_cast<double>(sample_rate));
  ra[1] = 2.0 * (K * K - 1.0) / (1.0 + K / Q + K * K);
  ra[2] = (1.0 - K / Q + K * K) / (1.0 + K / Q + K * K);
  b_[0] = pb[0] * rb[0];
  b_[1] = pb[0] * rb[1] + pb[1] * rb[0];
  b_[2] = pb[0] * rb[2] + pb[1] * rb[1] + pb[2] * rb[0];
  b_[3] = pb[1] * rb[2] + pb[2] * rb[1];
  b_[4] = pb[2] * rb[2];
  a_[0] = pa[0] * ra[0];
  a_[1] = pa[0] * ra[1] + pa[1] * ra[0];
  a_[2] = pa[0] * ra[2] + pa[1] * ra[1] + pa[2] * ra[0];
  a_[3] = pa[1] * ra[2] + pa[2] * ra[1];
  a_[4] = pa[2] * ra[2];

  for (std::size_t c = 0; c < channels.size(); ++c) {
    if (channels[c] == LoudnessChannel::unused) continue;
    measured_.push_back(c);
    surround_.push_back(channels[c] == LoudnessChannel::surround);
  }
  const std::size_t m = measured_.size();
  state_.assign(((m + 1) / 2) * 8, 0.0);
  chunks_.assign(kSlots * chunk_frames_ * m, 0.0);
  pair_input_.assign(2 * chunk_frames_, 0.0);  // a piece never crosses a chunk's end
  // ebur128_loudness_window(100): interval_frames = rate * 100 / 1000, read every as many frames.
  if (envelope) reading_every_ = rate * 100 / 1000;
}

void LoudnessMeter::add(std::span<const std::span<const float>> planar) {
  if (planar.empty() || planar[0].empty()) return;
  const std::size_t n = planar[0].size();
  if (reading_every_ == 0) {
    add_piece(planar, 0, n);
    return;
  }
  // The block is cut at every reading, so the envelope is read every 100 ms of input exactly.
  for (std::size_t at = 0; at < n;) {
    const std::size_t take = std::min(n - at, reading_every_ - since_reading_);
    add_piece(planar, at, take);
    at += take;
    since_reading_ += take;
    if (since_reading_ == reading_every_) {
      since_reading_ = 0;
      read_envelope();
    }
  }
}

void LoudnessMeter::add_piece(std::span<const std::span<const float>> planar, std::size_t at,
                              std::size_t n) {
  if (measured_.empty()) return;
  // ebur128_add_frames: filter up to the end of the current 100 ms chunk at a time; a full chunk
  // from the fourth on completes a block.
  for (const std::size_t end = at + n; at < end;) {
    const std::size_t take = std::min(end - at, chunk_frames_ - chunk_filled_);
    filter(planar, at, take);
    at += take;
    frames_ += take;
    chunk_filled_ += take;
    if (chunk_filled_ == chunk_frames_) {
      ++chunk_;
      chunk_filled_ = 0;
      if (chunk_ >= next_block_ + kBlocksAtOnce) measure_pending_blocks();
    }
  }
}

// ebur128_loudness_window(st, 100) as the engine read it with libebur128: the energy of the
// last 100 ms (ebur128_calc_gating_block: per channel, the frames in ring-buffer order, so the
// frames after the ring's wrap point first), to loudness and back to energy; the 400 ms and 3 s
// loudness are then the means of the last 4 and 30 of those, zeros before the start, as
// libebur128's own windows would give, at a fraction of the cost of summing a 3 s window ten
// times a second.
void LoudnessMeter::read_envelope() {
  double energy = 0.0;
  const std::size_t w = reading_every_;
  if (!measured_.empty() && frames_ >= w) {
    const std::size_t m = measured_.size();
    const std::size_t ring = ring_chunks_ * chunk_frames_;
    const std::size_t index = frames_ % ring;  // libebur128's write position
    const auto at = [this, m](std::size_t frame, std::size_t c) {
      const std::size_t slot = (frame / chunk_frames_) % kSlots;
      return chunks_[(slot * chunk_frames_ + frame % chunk_frames_) * m + c];
    };
    for (std::size_t c = 0; c < m; ++c) {
      double channel_sum = 0.0;
      const auto add = [&](std::size_t from, std::size_t to) {
        for (std::size_t f = from; f < to; ++f) {
          const double v = at(f, c);
          channel_sum += v * v;
        }
      };
      if (index < w) {
        add(frames_ - index, frames_);
        add(frames_ - w, frames_ - index);
      } else {
        add(frames_ - w, frames_);
      }
      if (surround_[c]) channel_sum *= 1.41;
      energy += channel_sum;
    }
    energy /= static_cast<double>(w);
  }
  // libebur128 answers -inf for no energy, else ebur128_energy_to_loudness; the engine turned it
  // back into energy.
  const double last = energy <= 0.0 ? -HUGE_VAL : 10 * (std::log(energy) / std::log(10.0)) - 0.691;
  window_energy_.push_back(std::isfinite(last) ? std::pow(10.0, (last + 0.691) / 10.0) : 0.0);
  const auto loudness_of = [this](std::size_t blocks) {
    double sum = 0;
    const std::size_t n = window_energy_.size();
    for (std::size_t i = n - std::min(n, blocks); i < n; ++i) sum += window_energy_[i];
    return floored(-0.691 + 10.0 * std::log10(sum / static_cast<double>(blocks)));
  };
  momentary_.push_back(loudness_of(4));
  short_term_.push_back(loudness_of(30));
}

double LoudnessMeter::envelope_rate() const {
  return reading_every_ == 0
             ? 0.0
             : static_cast<double>(sample_rate_) / static_cast<double>(reading_every_);
}

void LoudnessMeter::filter(std::span<const std::span<const float>> planar, std::size_t from,
                           std::size_t n) {
  const std::size_t m = measured_.size();
  double* out = chunks_.data() + ((chunk_ % kSlots) * chunk_frames_ + chunk_filled_) * m;
  double* x = pair_input_.data();
  const FlushToZero ftz;
  for (std::size_t c = 0; c < m; c += 2) {
    const bool pair = c + 1 < m;
    const float* first = planar[measured_[c]].data() + from;
    if (pair) {
      const float* second = planar[measured_[c + 1]].data() + from;
      for (std::size_t i = 0; i < n; ++i) {
        x[2 * i] = static_cast<double>(first[i]);
        x[2 * i + 1] = static_cast<double>(second[i]);
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<double>(first[i]);
    }
    double* state = state_.data() + (c / 2) * 8;
    HWY_DYNAMIC_DISPATCH(FilterLanes)(pair ? 2 : 1, x, n, b_, a_, state, out + c, m);
    if (FlushToZero::kManual) {
      for (std::size_t k = 0; k < 8; ++k) state[k] = std::fabs(state[k]) < DBL_MIN ? 0.0 : state[k];
    }
  }
}

void LoudnessMeter::block_energies(std::size_t first, std::size_t count, double* energies) const {
  const std::size_t m = measured_.size();
  const std::size_t chunk_size = chunk_frames_ * m;
  // ebur128_calc_gating_block sums each channel's block in ring-buffer order: the block's four
  // chunks by their position in libebur128's ring, which is not their order in time once the
  // ring has wrapped.
  const double* chunk[kBlocksAtOnce * kChunksPerBlock];
  for (std::size_t g = 0; g < count; ++g) {
    std::size_t ids[kChunksPerBlock];
    for (std::size_t j = 0; j < kChunksPerBlock; ++j) ids[j] = first + g + j - 3;
    std::sort(ids, ids + kChunksPerBlock,
              [this](std::size_t p, std::size_t q) { return p % ring_chunks_ < q % ring_chunks_; });
    for (std::size_t j = 0; j < kChunksPerBlock; ++j) {
      chunk[g * kChunksPerBlock + j] = chunks_.data() + (ids[j] % kSlots) * chunk_size;
    }
  }
  double sums[kBlocksAtOnce * 2];  // [block][lane]
  std::vector<double> channel_sum(count * m);
  const double* shifted[kBlocksAtOnce * kChunksPerBlock];
  for (std::size_t c = 0; c < m; c += 2) {
    const std::size_t lanes = c + 1 < m ? 2 : 1;
    for (std::size_t k = 0; k < count * kChunksPerBlock; ++k) shifted[k] = chunk[k] + c;
    HWY_DYNAMIC_DISPATCH(SumSquares)(lanes, count, shifted, chunk_frames_, m, sums);
    for (std::size_t g = 0; g < count; ++g) {
      for (std::size_t l = 0; l < lanes; ++l) channel_sum[g * m + c + l] = sums[g * lanes + l];
    }
  }
  for (std::size_t g = 0; g < count; ++g) {
    double sum = 0.0;
    for (std::size_t c = 0; c < m; ++c) {
      double s = channel_sum[g * m + c];
      if (surround_[c]) s *= 1.41;
      sum += s;
    }
    energies[g] = sum / static_cast<double>(chunk_frames_ * kChunksPerBlock);
  }
}

void LoudnessMeter::measure_pending_blocks() {
  const std::size_t count = chunk_ - next_block_;
  double energies[kBlocksAtOnce];
  block_energies(next_block_, count, energies);
  const double gate = absolute_gate();
  for (std::size_t g = 0; g < count; ++g) {
    if (energies[g] >= gate) energies_.push_back(energies[g]);
  }
  next_block_ = chunk_;
}

double LoudnessMeter::integrated_lufs() const {
  std::vector<double> blocks = energies_;
  if (chunk_ > next_block_) {
    const std::size_t count = chunk_ - next_block_;
    double energies[kBlocksAtOnce];
    block_energies(next_block_, count, energies);
    const double gate = absolute_gate();
    for (std::size_t g = 0; g < count; ++g) {
      if (energies[g] >= gate) blocks.push_back(energies[g]);
    }
  }
  // ebur128_gated_loudness: the relative gate 10 LU below the mean of the blocks above the
  // absolute gate, then the mean of those at or above it.
  if (blocks.empty()) return -70.0;
  double relative = 0.0;
  for (double z : blocks) relative += z;
  relative /= static_cast<double>(blocks.size());
  relative *= std::pow(10.0, -10.0 / 10.0);
  double gated = 0.0;
  std::size_t above = 0;
  for (double z : blocks) {
    if (z >= relative) {
      ++above;
      gated += z;
    }
  }
  if (above == 0) return -70.0;
  gated /= static_cast<double>(above);
  return floored(10 * (std::log(gated) / std::log(10.0)) - 0.691);
}

}  // namespace trackprint::dsp
#endif  // HWY_ONCE
