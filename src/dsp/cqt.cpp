// The sparse product's kernel is compiled once per instruction set by Highway (foreach_target)
// and picked at run time; every lane does the same float operations in the same order (no fma),
// so every target gives the same bits.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "dsp/cqt.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace trackprint::dsp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// One row of fft_basis.dot(D) over 8 frames (one lane each): acc_re += ar * dr - ai * di and
// acc_im += ar * di + ai * dr per lane, nonzeros jj in [begin, end) in order. spec + offset[jj]
// holds 8 real parts, then 8 imaginary parts.
void AccumulateRow(const float* HWY_RESTRICT value_re, const float* HWY_RESTRICT value_im,
                   const std::uint32_t* HWY_RESTRICT offset, std::uint32_t begin, std::uint32_t end,
                   const float* HWY_RESTRICT spec, float* HWY_RESTRICT acc_re,
                   float* HWY_RESTRICT acc_im) {
  constexpr std::size_t kFrames = 8;
  const hn::CappedTag<float, kFrames> d;
  const std::size_t w = hn::Lanes(d);
  for (std::size_t f = 0; f < kFrames; f += w) {
    auto re = hn::Zero(d), im = hn::Zero(d);
    for (std::uint32_t jj = begin; jj < end; ++jj) {
      const auto ar = hn::Set(d, value_re[jj]);
      const auto ai = hn::Set(d, value_im[jj]);
      const auto dr = hn::LoadU(d, spec + offset[jj] + f);
      const auto di = hn::LoadU(d, spec + offset[jj] + kFrames + f);
      re = hn::Add(re, hn::Sub(hn::Mul(ar, dr), hn::Mul(ai, di)));
      im = hn::Add(im, hn::Add(hn::Mul(ar, di), hn::Mul(ai, dr)));
    }
    hn::StoreU(re, d, acc_re + f);
    hn::StoreU(im, d, acc_im + f);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace trackprint::dsp
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <numbers>
#include <stdexcept>

#include "dsp/cqt.hpp"
#include "dsp/fft.hpp"
#include "dsp/numpy_abs.hpp"
#include "dsp/numpy_sum.hpp"
#include "dsp/resample.hpp"
#include "dsp/stft.hpp"

namespace trackprint::dsp {
HWY_EXPORT(AccumulateRow);
namespace {

constexpr double kHannBandwidth = 1.50018310546875;  // filters.WINDOW_BANDWIDTHS["hann"]
constexpr float kSparsity = 0.01f;                   // cqt's sparsity (a float32 compare)

// filters._relative_bandwidth: alpha from the local spacing of log2 frequencies, one-sided at
// both ends (so the octaves' edge bins differ from their neighbours in the last bits).
std::vector<double> relative_bandwidth(const std::vector<double>& freqs) {
  const std::size_t n = freqs.size();
  std::vector<double> logf(n), alpha(n);
  for (std::size_t i = 0; i < n; ++i) logf[i] = std::log2(freqs[i]);
  for (std::size_t i = 0; i < n; ++i) {
    double bpo;
    if (i == 0) {
      bpo = 1.0 / (logf[1] - logf[0]);
    } else if (i + 1 == n) {
      bpo = 1.0 / (logf[n - 1] - logf[n - 2]);
    } else {
      bpo = 2.0 / (logf[i + 1] - logf[i - 1]);
    }
    const double p = std::pow(2.0, 2.0 / bpo);
    alpha[i] = (p - 1.0) / (p + 1.0);
  }
  return alpha;
}

// filters.wavelet_lengths with gamma 0 and filter_scale 1: Q * sr / freqs, Q = 1 / alpha.
double wavelet_length(double freq, double alpha, double sr) {
  return (1.0 / alpha) * sr / freq;
}

// __num_two_factors
int num_two_factors(std::size_t x) {
  if (x == 0) return 0;
  int n = 0;
  while (x % 2 == 0) {
    ++n;
    x /= 2;
  }
  return n;
}

struct SparseRows {
  std::vector<std::uint32_t> row_start{0};
  std::vector<std::uint32_t> column;
  std::vector<std::complex<float>> value;
};

// util.sparsify_rows(row, quantile=0.01) for one row, appended to `out`: drop the smallest
// magnitudes whose float32 cumulative share of the row's L1 norm stays below the quantile.
void sparsify_row(std::span<const std::complex<float>> row, float quantile, SparseRows& out) {
  const std::size_t n = row.size();
  std::vector<float> mags(n);
  for (std::size_t j = 0; j < n; ++j) mags[j] = numpy_abs(row[j]);
  const float norm = pairwise_sum(mags.data(), n);
  std::vector<float> sorted = mags;
  std::sort(sorted.begin(), sorted.end());
  // np.argmin(np.cumsum(mag_sort / norms) < quantile): the first index where the float32
  // running sum reaches the quantile (0 if it never does).
  std::size_t idx = 0;
  float cumulative = 0.0f;
  for (std::size_t j = 0; j < n; ++j) {
    cumulative += sorted[j] / norm;
    if (!(cumulative < quantile)) {
      idx = j;
      break;
    }
  }
  const float threshold = sorted[idx];
  for (std::size_t j = 0; j < n; ++j) {
    if (mags[j] >= threshold) {
      out.column.push_back(static_cast<std::uint32_t>(j));
      out.value.push_back(row[j]);
    }
  }
  out.row_start.push_back(static_cast<std::uint32_t>(out.column.size()));
}

// __vqt_filter_fft for one octave: filters.wavelet (hann-windowed complex exponentials of
// length Q*sr/f, L1-normalised, centred in a power-of-two frame, cast to complex64), scaled by
// lengths / n_fft, FFT'd, the positive half kept, sparsified, then multiplied by
// sqrt(sr / my_sr) as vqt does. librosa's FFT here runs in complex64 (numpy 2's pocketfft in
// float); this one runs in double and rounds, so entries differ from librosa's by up to ~2e-6
// relative. That is the one difference left: with librosa's own basis substituted, magnitude()
// reproduces librosa's CQT bit for bit on real tracks.
SparseRows octave_basis(std::span<const double> freqs, std::span<const double> alpha, double my_sr,
                        double rescale, std::size_t& n_fft_out) {
  const std::size_t n_filters = freqs.size();
  std::vector<double> lengths(n_filters);
  for (std::size_t k = 0; k < n_filters; ++k)
    lengths[k] = wavelet_length(freqs[k], alpha[k], my_sr);
  const double max_len = *std::max_element(lengths.begin(), lengths.end());
  const auto n_fft = static_cast<std::size_t>(std::pow(2.0, std::ceil(std::log2(max_len))));
  n_fft_out = n_fft;

  RealFft<double> fft_re(n_fft);
  RealFft<double> fft_im(n_fft);
  const std::size_t n_keep = n_fft / 2 + 1;
  std::vector<std::complex<float>> row(n_keep);
  std::vector<double> mag;
  SparseRows rows;
  for (std::size_t k = 0; k < n_filters; ++k) {
    const double ilen = lengths[k];
    // np.arange(-ilen // 2, ilen // 2): floor divisions of a float.
    const double start = std::floor(-ilen / 2.0);
    const double stop = std::floor(ilen / 2.0);
    const auto n = static_cast<std::size_t>(stop - start);
    if (n > n_fft) throw std::logic_error("cqt: wavelet longer than its frame");
    const std::vector<double> window = hann_window(n);
    std::vector<double> re(n), im(n);
    mag.resize(n);
    for (std::size_t j = 0; j < n; ++j) {
      const double x = start + static_cast<double>(j);
      const double angle = x * 2.0 * std::numbers::pi * freqs[k] / my_sr;  // numpy's order
      re[j] = std::cos(angle) * window[j];
      im[j] = std::sin(angle) * window[j];
      mag[j] = numpy_abs(std::complex<double>(re[j], im[j]));
    }
    // util.normalize(norm=1): complex / real in numpy is a multiplication by 1 / length.
    const double scl = 1.0 / pairwise_sum(mag.data(), n);
    const double factor = lengths[k] / static_cast<double>(n_fft);
    const std::size_t lpad = (n_fft - n) / 2;  // util.pad_center
    std::fill(fft_re.input(), fft_re.input() + n_fft, 0.0);
    std::fill(fft_im.input(), fft_im.input() + n_fft, 0.0);
    for (std::size_t j = 0; j < n; ++j) {
      // complex64 basis (filters.wavelet's dtype), then `basis *= lengths / n_fft` in complex64.
      const auto r32 = static_cast<float>(re[j] * scl);
      const auto i32 = static_cast<float>(im[j] * scl);
      fft_re.input()[lpad + j] =
          static_cast<double>(static_cast<float>(static_cast<double>(r32) * factor));
      fft_im.input()[lpad + j] =
          static_cast<double>(static_cast<float>(static_cast<double>(i32) * factor));
    }
    // FFT of a complex sequence from two real ones: X = FFT(re) + i FFT(im).
    fft_re.forward();
    fft_im.forward();
    const std::complex<double>* a = fft_re.output();
    const std::complex<double>* b = fft_im.output();
    for (std::size_t j = 0; j < n_keep; ++j) {
      row[j] = {static_cast<float>(a[j].real() - b[j].imag()),
                static_cast<float>(a[j].imag() + b[j].real())};
    }
    sparsify_row(row, kSparsity, rows);
  }
  if (rescale != 1.0) {
    for (auto& v : rows.value) {
      v = {static_cast<float>(static_cast<double>(v.real()) * rescale),
           static_cast<float>(static_cast<double>(v.imag()) * rescale)};
    }
  }
  return rows;
}

}  // namespace

double note_c1_hz() {
  return 440.0 * std::pow(2.0, (24.0 - 69.0) / 12.0);
}

namespace {

// vqt: fmin * 2 ** (tuning / bpo), then interval_frequencies("equal"): 2**o * 2**(k/bpo) * fmin.
std::vector<double> bin_frequencies(const CqtParams& params) {
  const std::size_t bpo = params.bins_per_octave;
  const double fmin = (params.fmin > 0 ? params.fmin : note_c1_hz()) *
                      std::pow(2.0, params.tuning / static_cast<double>(bpo));
  std::vector<double> freqs(params.n_bins);
  for (std::size_t b = 0; b < params.n_bins; ++b) {
    const double ratio =
        std::pow(2.0, (0.0 + static_cast<double>(b % bpo)) / static_cast<double>(bpo));
    freqs[b] = (std::pow(2.0, static_cast<double>(b / bpo)) * ratio) * fmin;
  }
  return freqs;
}

void check_params(const CqtParams& params) {
  if (params.n_bins < 2 || params.bins_per_octave == 0 || params.hop == 0) {
    throw std::invalid_argument("cqt: bad parameters");
  }
}

std::size_t octave_count(const CqtParams& params) {
  return (params.n_bins + params.bins_per_octave - 1) / params.bins_per_octave;
}

// __early_downsample_count (halve the input up front while every octave keeps an even hop),
// then which octaves halve the rate for the next one (while the hop stays even).
OctaveLayout layout_of(const CqtParams& params, std::span<const double> freqs,
                       std::span<const double> alpha) {
  const double nyquist = params.sr / 2.0;
  double cutoff = 0.0;
  for (std::size_t b = 0; b < freqs.size(); ++b) {
    const double q = 1.0 / alpha[b];
    cutoff = std::max(cutoff, freqs[b] * (1.0 + 0.5 * kHannBandwidth / q));
  }
  if (cutoff > nyquist) throw std::invalid_argument("cqt: filters would exceed Nyquist");
  const std::size_t n_octaves = octave_count(params);
  const int count1 =
      std::max(0, static_cast<int>(std::ceil(std::log2(nyquist / cutoff)) - 1.0) - 1);
  const int count2 = std::max(0, num_two_factors(params.hop) - static_cast<int>(n_octaves) + 1);
  const int count = std::min(count1, count2);
  OctaveLayout layout;
  std::size_t hop = params.hop;
  if (count > 0) {
    layout.early_factor = std::size_t{1} << count;
    hop /= layout.early_factor;
  }
  for (std::size_t i = 0; i < n_octaves; ++i) {
    const bool halve = hop % 2 == 0 && i + 1 < n_octaves;
    layout.halve_after.push_back(halve);
    if (halve) hop /= 2;
  }
  return layout;
}

}  // namespace

OctaveLayout octave_layout(const CqtParams& params) {
  check_params(params);
  const std::vector<double> freqs = bin_frequencies(params);
  return layout_of(params, freqs, relative_bandwidth(freqs));
}

ConstantQ::ConstantQ(const CqtParams& params) : params_(params) {
  check_params(params);
  const std::size_t n_bins = params.n_bins;
  const std::size_t bpo = params.bins_per_octave;
  const std::size_t n_octaves = octave_count(params);
  const std::size_t n_filters = std::min(bpo, n_bins);
  freqs_ = bin_frequencies(params);
  const std::vector<double> alpha = relative_bandwidth(freqs_);
  const OctaveLayout layout = layout_of(params, freqs_, alpha);
  early_factor_ = layout.early_factor;
  const double sr = params.sr / static_cast<double>(early_factor_);
  const std::size_t hop = params.hop / early_factor_;

  double my_sr = sr;
  std::size_t my_hop = hop;
  for (std::size_t i = 0; i < n_octaves; ++i) {
    const std::size_t hi = n_bins - n_filters * i;
    const std::size_t lo = hi > n_filters ? hi - n_filters : 0;
    Octave oct;
    oct.first_bin = lo;
    oct.hop = my_hop;
    SparseRows rows =
        octave_basis(std::span(freqs_).subspan(lo, hi - lo), std::span(alpha).subspan(lo, hi - lo),
                     my_sr, std::sqrt(sr / my_sr), oct.n_fft);
    oct.row_start = std::move(rows.row_start);
    oct.column = std::move(rows.column);
    oct.value = std::move(rows.value);
    if (oct.column.empty()) throw std::logic_error("cqt: empty basis");
    oct.col_begin = *std::min_element(oct.column.begin(), oct.column.end());
    oct.col_end = *std::max_element(oct.column.begin(), oct.column.end()) + 1;
    for (std::size_t j = 0; j < oct.column.size(); ++j) {
      oct.offset.push_back(
          static_cast<std::uint32_t>((oct.column[j] - oct.col_begin) * 2 * kBatch));
      oct.value_re.push_back(oct.value[j].real());
      oct.value_im.push_back(oct.value[j].imag());
    }
    if (layout.halve_after[i]) {
      oct.halve_after = true;
      my_hop /= 2;
      my_sr /= 2.0;
    }
    octaves_.push_back(std::move(oct));
  }

  // `V /= sqrt(lengths)` with lengths from the full-rate (post early downsampling) sr; numpy
  // divides complex by real as a multiplication by the reciprocal.
  inv_sqrt_len_.resize(n_bins);
  for (std::size_t b = 0; b < n_bins; ++b) {
    inv_sqrt_len_[b] = 1.0 / std::sqrt(wavelet_length(freqs_[b], alpha[b], sr));
  }
}

std::size_t ConstantQ::frame_count(std::size_t n_samples) const {
  // audio.resample's fix_length: ceil(n * ratio) samples per decimation.
  std::size_t len = (n_samples + early_factor_ - 1) / early_factor_;
  std::size_t frames = SIZE_MAX;
  for (const Octave& oct : octaves_) {
    frames = std::min(frames, stft_frame_count(len, oct.n_fft, oct.hop, true));
    if (oct.halve_after) len = (len + 1) / 2;
  }
  return frames;
}

OctaveLayout ConstantQ::layout() const {
  OctaveLayout layout;
  layout.early_factor = early_factor_;
  for (const Octave& oct : octaves_) layout.halve_after.push_back(oct.halve_after);
  return layout;
}

ConstantQ::OctaveSignals ConstantQ::octave_signals(std::span<const float> y) const {
  OctaveSignals out;
  out.layout = layout();
  out.length = y.size();
  out.owned.reserve(octaves_.size() + 1);  // no reallocation: the spans point into them
  std::span<const float> x = y;
  if (early_factor_ > 1) {
    x = out.owned.emplace_back(resample(y, static_cast<double>(early_factor_), 1.0, true));
  }
  for (const Octave& oct : octaves_) {
    out.signal.push_back(x);
    // audio.resample(my_y, orig_sr=2, target_sr=1, res_type="soxr_hq", scale=True)
    if (oct.halve_after) x = out.owned.emplace_back(resample(x, 2.0, 1.0, true));
  }
  return out;
}

std::vector<float> ConstantQ::magnitude(std::span<const float> y) const {
  const std::size_t n_frames = frame_count(y.size());
  std::vector<float> out(n_frames * params_.n_bins, 0.0f);
  magnitude_frames(octave_signals(y), 0, n_frames, out.data());
  return out;
}

void ConstantQ::magnitude_frames(const OctaveSignals& signals, std::size_t first, std::size_t last,
                                 float* out) const {
  const std::size_t n_bins = params_.n_bins;
  std::unique_ptr<RealFft<float>> fft;
  AlignedBuffer<float> chunk;                   // the signal under kChunk frames, zero-padded
  AlignedBuffer<std::complex<float>> spectrum;  // one frame's FFT
  std::vector<float> spec;  // [column - col_begin][kBatch real parts, kBatch imaginary parts]
  for (std::size_t o = 0; o < octaves_.size(); ++o) {
    const Octave& oct = octaves_[o];
    const std::span<const float> x = signals.signal[o];
    if (!fft || fft->size() != oct.n_fft) fft = std::make_unique<RealFft<float>>(oct.n_fft);
    const std::size_t n_fft = oct.n_fft;
    const std::size_t width = oct.col_end - oct.col_begin;
    spectrum.resize(n_fft / 2 + 1);
    spec.assign(width * 2 * kBatch, 0.0f);
    const auto len = static_cast<std::ptrdiff_t>(x.size());
    const std::size_t n_rows = oct.row_start.size() - 1;
    for (std::size_t c0 = first; c0 < last; c0 += kChunk) {
      // __cqt_response: stft(window="ones", center=True, pad_mode="constant"), each frame
      // transformed in float32 (librosa: float64, rounded to complex64; see cqt.hpp). The frames of
      // a chunk overlap (by n_fft - hop), so the signal is copied once, zero-padded, and each frame
      // transformed where it lies in the copy.
      const std::size_t n_chunk = std::min(kChunk, last - c0);
      const std::size_t span = (n_chunk - 1) * oct.hop + n_fft;
      const std::ptrdiff_t start =
          static_cast<std::ptrdiff_t>(c0 * oct.hop) - static_cast<std::ptrdiff_t>(n_fft / 2);
      const auto sspan = static_cast<std::ptrdiff_t>(span);
      const std::ptrdiff_t lo = std::clamp<std::ptrdiff_t>(-start, 0, sspan);
      const std::ptrdiff_t hi = std::clamp<std::ptrdiff_t>(len - start, lo, sspan);
      chunk.resize(span);
      float* c = chunk.data();
      std::fill(c, c + lo, 0.0f);
      const float* src = x.data() + (start + lo);
      std::copy(src, src + (hi - lo), c + lo);
      std::fill(c + hi, c + sspan, 0.0f);

      for (std::size_t t0 = c0; t0 < c0 + n_chunk; t0 += kBatch) {
        const std::size_t batch = std::min(kBatch, c0 + n_chunk - t0);
        for (std::size_t f = 0; f < batch; ++f) {
          fft->forward(c + (t0 + f - c0) * oct.hop, spectrum.data());
          const std::complex<float>* freq = spectrum.data() + oct.col_begin;
          float* d = spec.data() + f;
          for (std::size_t k = 0; k < width; ++k) {
            d[k * 2 * kBatch] = freq[k].real();
            d[k * 2 * kBatch + kBatch] = freq[k].imag();
          }
        }
        product(oct, spec.data(), n_rows, batch, out + (t0 - first) * n_bins);
      }
    }
  }
}

// fft_basis.dot(D) for kBatch frames, one SIMD lane per frame: scipy's csr_matvecs accumulates
// each row in complex64, nonzeros in column order, products spelled out as its complex_wrapper
// does (no fma: an -mfma build would contract these and drift from scipy in the last bits). Each
// lane does exactly the scalar sequence of float operations, so batching changes no bit.
void ConstantQ::product(const Octave& oct, const float* spec, std::size_t n_rows, std::size_t batch,
                        float* out) const {
  const std::size_t n_bins = params_.n_bins;
  static_assert(kBatch == 8, "AccumulateRow's frames");
  for (std::size_t r = 0; r < n_rows; ++r) {
    float acc_re[kBatch], acc_im[kBatch];
    HWY_DYNAMIC_DISPATCH(AccumulateRow)
    (oct.value_re.data(), oct.value_im.data(), oct.offset.data(), oct.row_start[r],
     oct.row_start[r + 1], spec, acc_re, acc_im);
    // V /= sqrt(lengths) in complex128, stored complex64, then np.abs.
    const double s = inv_sqrt_len_[oct.first_bin + r];
    std::complex<float> v[kBatch];
    float mag[kBatch];
    for (std::size_t f = 0; f < kBatch; ++f) {
      v[f] = {static_cast<float>(static_cast<double>(acc_re[f]) * s),
              static_cast<float>(static_cast<double>(acc_im[f]) * s)};
    }
    numpy_abs(v, mag, kBatch);
    for (std::size_t f = 0; f < batch; ++f) out[f * n_bins + oct.first_bin + r] = mag[f];
  }
}

struct ConstantQStream::OctaveState {
  explicit OctaveState(std::size_t n_fft, std::size_t hop, std::size_t width)
      : frames(n_fft, hop, FrameStream::Edges::centred),
        fft(n_fft),
        input(n_fft),
        spectrum(n_fft / 2 + 1),
        spec(width * 2 * ConstantQ::kBatch, 0.0f) {}
  FrameStream frames;  // __cqt_response's stft(center=True, "constant")
  RealFft<float> fft;
  AlignedBuffer<float> input;
  AlignedBuffer<std::complex<float>> spectrum;
  std::vector<float> spec;   // up to kBatch frames' spectra, laid out for product()
  std::size_t batch = 0;     // frames in spec
  std::size_t produced = 0;  // frames written to the rows
};

namespace {

// audio.resample(..., scale=True): each sample divided by sqrt(ratio) in double.
void scale_by_ratio(std::vector<float>& x, double ratio) {
  const double s = std::sqrt(ratio);
  for (float& v : x) v = static_cast<float>(static_cast<double>(v) / s);
}

}  // namespace

OctaveDecimation::OctaveDecimation(const OctaveLayout& layout)
    : early_factor_(static_cast<double>(layout.early_factor)),
      halve_(layout.halve_after.size()),
      halved_(layout.halve_after.size()) {
  if (layout.early_factor > 1) early_.emplace(early_factor_, 1.0);
  for (std::size_t o = 0; o < halve_.size(); ++o) {
    if (layout.halve_after[o]) halve_[o].emplace(2.0, 1.0);
  }
}

// x is octave's new samples: to sink, then, halved or not, on to the next octave. Each octave
// halves into its own buffer, so x stays valid while the octaves below use theirs.
template <class Sink>
void OctaveDecimation::pass_on(std::size_t octave, std::span<const float> x, Sink& sink) {
  for (std::size_t o = octave; o < halve_.size(); ++o) {
    sink(o, x);
    if (o + 1 == halve_.size() || !halve_[o]) continue;
    halved_[o].clear();
    halve_[o]->push(x, halved_[o]);
    scale_by_ratio(halved_[o], 0.5);
    x = halved_[o];
  }
}

template <class Sink>
void OctaveDecimation::push(std::span<const float> y, Sink&& sink) {
  if (!early_) {
    pass_on(0, y, sink);
    return;
  }
  early_out_.clear();
  early_->push(y, early_out_);
  scale_by_ratio(early_out_, 1.0 / early_factor_);
  pass_on(0, early_out_, sink);
}

template <class Sink, class End>
void OctaveDecimation::finish(Sink&& sink, End&& end) {
  if (early_) {
    early_out_.clear();
    early_->finish(early_out_);
    scale_by_ratio(early_out_, 1.0 / early_factor_);
    pass_on(0, early_out_, sink);
  }
  for (std::size_t o = 0; o < halve_.size(); ++o) {
    end(o);
    if (o + 1 == halve_.size() || !halve_[o]) continue;
    halved_[o].clear();
    halve_[o]->finish(halved_[o]);
    scale_by_ratio(halved_[o], 0.5);
    pass_on(o + 1, halved_[o], sink);
  }
}

OctaveSignalStream::OctaveSignalStream(OctaveLayout layout)
    : layout_(std::move(layout)), decimation_(layout_), signals_(layout_.halve_after.size()) {}

bool OctaveSignalStream::owns_signal(std::size_t octave) const {
  return octave == 0 ? layout_.early_factor > 1 : layout_.halve_after[octave - 1];
}

void OctaveSignalStream::keep(std::size_t octave, std::span<const float> x) {
  if (owns_signal(octave)) signals_[octave].insert(signals_[octave].end(), x.begin(), x.end());
}

void OctaveSignalStream::reserve(std::size_t y_samples) {
  // Each decimation gives about its input's length over its factor; the slack covers the filter
  // delays and roundings.
  constexpr std::size_t kSlack = 1024;
  double length = static_cast<double>(y_samples) / static_cast<double>(layout_.early_factor);
  for (std::size_t o = 0; o < signals_.size(); ++o) {
    if (o > 0 && layout_.halve_after[o - 1]) length /= 2;
    if (owns_signal(o)) signals_[o].reserve(static_cast<std::size_t>(length) + kSlack);
  }
}

void OctaveSignalStream::push(std::span<const float> y) {
  pushed_ += y.size();
  decimation_.push(y, [this](std::size_t o, std::span<const float> x) { keep(o, x); });
}

ConstantQ::OctaveSignals OctaveSignalStream::finish(std::span<const float> y) {
  if (y.size() != pushed_) throw std::logic_error("OctaveSignalStream: y is not what was pushed");
  decimation_.finish([this](std::size_t o, std::span<const float> x) { keep(o, x); },
                     [](std::size_t) {});
  // As octave_signals lays them out: the top octave on y (or its early decimation), an octave
  // that does not halve sharing its signal with the next.
  ConstantQ::OctaveSignals out;
  out.layout = layout_;
  out.length = y.size();
  out.owned.reserve(signals_.size());  // no reallocation: the spans point into them
  std::span<const float> x = y;
  for (std::size_t o = 0; o < signals_.size(); ++o) {
    if (owns_signal(o)) x = out.owned.emplace_back(std::move(signals_[o]));
    out.signal.push_back(x);
  }
  return out;
}

ConstantQStream::ConstantQStream(std::shared_ptr<const ConstantQ> cq)
    : cq_(std::move(cq)), decimation_(cq_->layout()) {
  octaves_.reserve(cq_->octaves_.size());
  for (const ConstantQ::Octave& oct : cq_->octaves_) {
    octaves_.push_back(
        std::make_unique<OctaveState>(oct.n_fft, oct.hop, oct.col_end - oct.col_begin));
  }
}

ConstantQStream::~ConstantQStream() = default;

void ConstantQStream::push(std::span<const float> y) {
  if (finished_) throw std::logic_error("ConstantQStream: push() after finish()");
  in_pieces(y, [this](std::span<const float> piece) {
    decimation_.push(piece, [this](std::size_t o, std::span<const float> x) {
      octaves_[o]->frames.push(x);
      drain(o);
    });
  });
}

void ConstantQStream::finish() {
  if (finished_) return;
  decimation_.finish(
      [this](std::size_t o, std::span<const float> x) {
        octaves_[o]->frames.push(x);
        drain(o);
      },
      [this](std::size_t o) {
        octaves_[o]->frames.finish();
        drain(o);
        flush(o);
      });
  total_frames_ = SIZE_MAX;
  for (const auto& o : octaves_) total_frames_ = std::min(total_frames_, o->frames.total_frames());
  finished_ = true;
}

// Each frame transformed in float32 (librosa: float64, rounded to complex64; see cqt.hpp),
// kBatch at a time.
void ConstantQStream::drain(std::size_t octave) {
  OctaveState& o = *octaves_[octave];
  const ConstantQ::Octave& oct = cq_->octaves_[octave];
  const std::size_t width = oct.col_end - oct.col_begin;
  std::span<const float> frame;
  while (o.frames.next(frame)) {
    std::copy(frame.begin(), frame.end(), o.input.data());
    o.fft.forward(o.input.data(), o.spectrum.data());
    const std::complex<float>* freq = o.spectrum.data() + oct.col_begin;
    float* d = o.spec.data() + o.batch;
    for (std::size_t k = 0; k < width; ++k) {
      d[k * 2 * ConstantQ::kBatch] = freq[k].real();
      d[k * 2 * ConstantQ::kBatch + ConstantQ::kBatch] = freq[k].imag();
    }
    if (++o.batch == ConstantQ::kBatch) flush(octave);
  }
}

void ConstantQStream::flush(std::size_t octave) {
  OctaveState& o = *octaves_[octave];
  if (o.batch == 0) return;
  const ConstantQ::Octave& oct = cq_->octaves_[octave];
  float* out = row(o.produced + o.batch - 1) - (o.batch - 1) * cq_->n_bins();
  cq_->product(oct, o.spec.data(), oct.row_start.size() - 1, o.batch, out);
  o.produced += o.batch;
  o.batch = 0;
}

// Row of frame `frame`, zero-filled up to it if new. Rows before first_row_ are gone.
float* ConstantQStream::row(std::size_t frame) {
  const std::size_t n_bins = cq_->n_bins();
  const std::size_t needed = head_ + (frame + 1 - first_row_) * n_bins;
  if (rows_.size() < needed) rows_.resize(needed, 0.0f);
  return rows_.data() + head_ + (frame - first_row_) * n_bins;
}

bool ConstantQStream::next(std::span<const float>& frame) {
  std::size_t ready = SIZE_MAX;
  for (const auto& o : octaves_) ready = std::min(ready, o->produced);
  if (finished_) ready = std::min(ready, total_frames_);
  if (first_row_ >= ready) return false;
  const std::size_t n_bins = cq_->n_bins();
  if (head_ > 0 && head_ >= rows_.size() / 2) {
    rows_.erase(rows_.begin(), rows_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  frame = std::span<const float>(rows_.data() + head_, n_bins);
  head_ += n_bins;
  ++first_row_;
  return true;
}

}  // namespace trackprint::dsp
#endif  // HWY_ONCE
