#include "dsp/resample.hpp"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

namespace trackprint::dsp {
namespace {
struct SoxrDeleter {
  void operator()(soxr_t s) const { soxr_delete(s); }
};
using SoxrHandle = std::unique_ptr<std::remove_pointer_t<soxr_t>, SoxrDeleter>;
}  // namespace

std::vector<float> resample(std::span<const float> x, double in_rate, double out_rate, bool scale) {
  const double ratio = out_rate / in_rate;
  const auto n_out = static_cast<std::size_t>(std::ceil(static_cast<double>(x.size()) * ratio));
  std::vector<float> y;
  if (in_rate == out_rate) {
    y.assign(x.begin(), x.end());
  } else {
    soxr_error_t err = nullptr;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    SoxrHandle soxr(soxr_create(in_rate, out_rate, 1, &err, &io, &quality, nullptr));
    if (err != nullptr) throw std::runtime_error(std::string("soxr: ") + err);
    // python-soxr's csoxr_divide_proc: output capacity and input chunking, mirrored exactly.
    const auto capacity =
        static_cast<std::size_t>(static_cast<double>(x.size()) * out_rate / in_rate + 1);
    const auto chunk = static_cast<std::size_t>(std::max(1000.0, 48000.0 * in_rate / out_rate));
    y.assign(capacity, 0.0f);
    std::size_t produced = 0;
    std::size_t done = 0;
    for (std::size_t i = 0; i < x.size(); i += chunk) {
      err = soxr_process(soxr.get(), x.data() + i, std::min(chunk, x.size() - i), nullptr,
                         y.data() + produced, capacity - produced, &done);
      if (err != nullptr) throw std::runtime_error(std::string("soxr: ") + err);
      produced += done;
    }
    err = soxr_process(soxr.get(), nullptr, 0, nullptr, y.data() + produced, capacity - produced,
                       &done);
    if (err != nullptr) throw std::runtime_error(std::string("soxr: ") + err);
    produced += done;
    y.resize(produced);
  }
  y.resize(n_out, 0.0f);  // librosa.util.fix_length: trim or zero-pad
  if (scale) {
    const double s = std::sqrt(ratio);
    for (float& v : y) v = static_cast<float>(static_cast<double>(v) / s);
  }
  return y;
}

struct StreamingResampler::Soxr {
  SoxrHandle handle;
};

StreamingResampler::StreamingResampler(double in_rate, double out_rate)
    : ratio_(out_rate / in_rate) {
  if (in_rate == out_rate) return;
  soxr_error_t err = nullptr;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  soxr_ = std::make_unique<Soxr>();
  soxr_->handle.reset(soxr_create(in_rate, out_rate, 1, &err, &io, &quality, nullptr));
  if (err != nullptr) throw std::runtime_error(std::string("soxr: ") + err);
}

StreamingResampler::~StreamingResampler() = default;
StreamingResampler::StreamingResampler(StreamingResampler&&) noexcept = default;
StreamingResampler& StreamingResampler::operator=(StreamingResampler&&) noexcept = default;

void StreamingResampler::push(std::span<const float> in, std::vector<float>& out) {
  if (in.empty()) return;  // soxr would read a null input as the end of the stream
  consumed_ += in.size();
  // Every output index below floor(n_in * ratio) survives fix_length whatever follows.
  const auto allowed =
      static_cast<std::size_t>(std::floor(static_cast<double>(consumed_) * ratio_));
  if (!soxr_) {
    pending_.insert(pending_.end(), in.begin(), in.end());
    release(allowed, out);
    return;
  }
  // soxr writes into a buffer kept from call to call (so never cleared again), then what may
  // be released goes to `out`; what lies past the allowed count (soxr's delay nearly always
  // keeps it within) is held back.
  std::size_t produced = 0;
  const float* data = in.data();
  std::size_t len = in.size();
  for (;;) {
    // Room for everything this call can produce; a full buffer means more is waiting, which
    // a zero-length (not null: null means end of input) call drains.
    const std::size_t room = static_cast<std::size_t>(static_cast<double>(len) * ratio_) + 1024;
    if (scratch_.size() < produced + room) scratch_.resize(produced + room);
    std::size_t done = 0;
    soxr_error_t err = soxr_process(soxr_->handle.get(), data, len, nullptr,
                                    scratch_.data() + produced, room, &done);
    if (err != nullptr) throw std::runtime_error(std::string("soxr: ") + err);
    produced += done;
    if (done < room) break;
    len = 0;
  }
  hand_out(allowed, produced, out);
}

void StreamingResampler::finish(std::vector<float>& out) {
  std::size_t produced = 0;
  if (soxr_) {
    for (;;) {
      constexpr std::size_t kRoom = 4096;
      if (scratch_.size() < produced + kRoom) scratch_.resize(produced + kRoom);
      std::size_t done = 0;
      soxr_error_t err = soxr_process(soxr_->handle.get(), nullptr, 0, nullptr,
                                      scratch_.data() + produced, kRoom, &done);
      if (err != nullptr) throw std::runtime_error(std::string("soxr: ") + err);
      produced += done;
      if (done == 0) break;
    }
  }
  // librosa's fix_length: zero-padded (or trimmed) to exactly ceil(n_in * ratio) samples.
  const auto n_out = static_cast<std::size_t>(std::ceil(static_cast<double>(consumed_) * ratio_));
  const std::size_t have = released_ + pending_.size() + produced;
  if (have < n_out) {
    if (scratch_.size() < produced + (n_out - have)) scratch_.resize(produced + (n_out - have));
    std::fill(scratch_.begin() + static_cast<std::ptrdiff_t>(produced),
              scratch_.begin() + static_cast<std::ptrdiff_t>(produced + (n_out - have)), 0.0f);
    produced += n_out - have;
  }
  hand_out(n_out, produced, out);
}

// The samples held back, then scratch_[0, produced), are the next ones after those released:
// those below allowed_total go to `out`, the rest are held back.
void StreamingResampler::hand_out(std::size_t allowed_total, std::size_t produced,
                                  std::vector<float>& out) {
  const std::size_t room = allowed_total > released_ ? allowed_total - released_ : 0;
  const std::size_t from_pending = std::min(room, pending_.size());
  out.insert(out.end(), pending_.begin(),
             pending_.begin() + static_cast<std::ptrdiff_t>(from_pending));
  const std::size_t from_new = std::min(room - from_pending, produced);
  out.insert(out.end(), scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(from_new));
  released_ += from_pending + from_new;
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(from_pending));
  pending_.insert(pending_.end(), scratch_.begin() + static_cast<std::ptrdiff_t>(from_new),
                  scratch_.begin() + static_cast<std::ptrdiff_t>(produced));
}

void StreamingResampler::release(std::size_t allowed_total, std::vector<float>& out) {
  if (allowed_total <= released_) return;
  const std::size_t n = std::min(pending_.size(), allowed_total - released_);
  out.insert(out.end(), pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
  released_ += n;
}

}  // namespace trackprint::dsp
