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

}  // namespace trackprint::dsp
