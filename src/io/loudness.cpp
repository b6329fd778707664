#include "io/loudness.hpp"

#include <ebur128.h>

#include <cmath>
#include <new>
#include <stdexcept>
#include <string>

#include "trackprint/error.hpp"
#include "trackprint/limits.hpp"

namespace trackprint::io {
namespace {
struct MeterFreer {
  void operator()(ebur128_state* s) const { ebur128_destroy(&s); }
};

int ebur128_channel_of(Speaker s) {
  switch (s) {
    case Speaker::front_left:
      return EBUR128_LEFT;
    case Speaker::front_right:
      return EBUR128_RIGHT;
    case Speaker::center:
      return EBUR128_CENTER;
    case Speaker::lfe:
      return EBUR128_UNUSED;
    case Speaker::surround_left:
      return EBUR128_LEFT_SURROUND;
    case Speaker::surround_right:
      return EBUR128_RIGHT_SURROUND;
    case Speaker::other:
      return EBUR128_CENTER;  // weight 1.0, like any front speaker
  }
  return EBUR128_CENTER;
}
}  // namespace

struct LoudnessMeter::State {
  std::unique_ptr<ebur128_state, MeterFreer> meter;
  std::vector<float> interleaved;
};

LoudnessMeter::LoudnessMeter(int sample_rate, std::span<const Speaker> speakers)
    : state_(std::make_unique<State>()) {
  const auto channels = static_cast<unsigned>(speakers.size());
  // ebur128_init returns NULL for an unusable rate or channel count as well as for a failed
  // allocation; the first two are refused here so that NULL means memory.
  if (channels < 1 || channels > static_cast<unsigned>(kMaxChannels) ||
      sample_rate < kMinSampleRate || sample_rate > kMaxSampleRate) {
    throw Failure(ErrorKind::unsupported, "loudness: cannot measure " + std::to_string(channels) +
                                              " channels at " + std::to_string(sample_rate) +
                                              " Hz");
  }
  state_->meter.reset(
      ebur128_init(channels, static_cast<unsigned long>(sample_rate), EBUR128_MODE_I));
  if (!state_->meter) throw std::bad_alloc();
  // A mono file is one front speaker (weight 1), as pyloudnorm reads it: no dual-mono boost.
  for (unsigned c = 0; c < channels; ++c) {
    if (ebur128_set_channel(state_->meter.get(), c, ebur128_channel_of(speakers[c])) !=
        EBUR128_SUCCESS) {
      throw std::logic_error("loudness: ebur128_set_channel refused channel " + std::to_string(c));
    }
  }
}

LoudnessMeter::~LoudnessMeter() = default;
LoudnessMeter::LoudnessMeter(LoudnessMeter&&) noexcept = default;
LoudnessMeter& LoudnessMeter::operator=(LoudnessMeter&&) noexcept = default;

void LoudnessMeter::add(std::span<const std::span<const float>> planar) {
  if (planar.empty() || planar[0].empty()) return;
  const std::size_t channels = planar.size();
  const std::size_t frames = planar[0].size();
  state_->interleaved.resize(channels * frames);
  for (std::size_t c = 0; c < channels; ++c) {
    for (std::size_t i = 0; i < frames; ++i) state_->interleaved[i * channels + c] = planar[c][i];
  }
  const int rc = ebur128_add_frames_float(state_->meter.get(), state_->interleaved.data(), frames);
  if (rc == EBUR128_ERROR_NOMEM) throw std::bad_alloc();
  if (rc != EBUR128_SUCCESS) throw std::logic_error("loudness: ebur128_add_frames_float failed");
}

double LoudnessMeter::integrated_lufs() const {
  double lufs = -HUGE_VAL;
  if (ebur128_loudness_global(state_->meter.get(), &lufs) != EBUR128_SUCCESS ||
      !std::isfinite(lufs)) {
    return -70.0;
  }
  return lufs < -70.0 ? -70.0 : lufs;
}

}  // namespace trackprint::io
