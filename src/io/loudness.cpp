#include "io/loudness.hpp"

#include <ebur128.h>

#include <algorithm>
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

// libebur128 says -inf for silence; the spec's floor is -70 LUFS.
double floored(double lufs) {
  return std::isfinite(lufs) && lufs >= -70.0 ? lufs : -70.0;
}
}  // namespace

struct LoudnessMeter::State {
  std::unique_ptr<ebur128_state, MeterFreer> meter;
  std::vector<float> interleaved;
  std::size_t channels = 0;
  int sample_rate = 0;
  std::size_t reading_every = 0;  // frames per envelope reading; 0: no envelope
  std::size_t since_reading = 0;
  std::vector<double> energy;  // mean weighted square of each 100 ms, as BS.1770 sums it
  std::vector<double> momentary, short_term;
};

LoudnessMeter::LoudnessMeter(int sample_rate, std::span<const Speaker> speakers, bool envelope)
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
  state_->channels = channels;
  state_->sample_rate = sample_rate;
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
  if (envelope) state_->reading_every = static_cast<std::size_t>(sample_rate / 10);
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
  if (state_->reading_every == 0) {
    add_frames(state_->interleaved.data(), frames);
  } else {
    add_reading_envelope(state_->interleaved.data(), frames);
  }
}

// The block is cut at every reading, so the envelope is read every 100 ms of input exactly;
// libebur128 cuts its own gating blocks whatever the calls' sizes and reading a window changes
// nothing, so the integrated loudness keeps its bits (tests/unit/test_trace.cpp). Only the last
// 100 ms are read back (its energy); the 400 ms and 3 s loudness are the means of the last 4 and
// 30 of those, zeros before the start, as libebur128's own windows would give, at a fraction
// of the cost of summing a 3 s window ten times a second.
void LoudnessMeter::add_frames(const float* frames, std::size_t count) {
  const int rc = ebur128_add_frames_float(state_->meter.get(), frames, count);
  if (rc == EBUR128_ERROR_NOMEM) throw std::bad_alloc();
  if (rc != EBUR128_SUCCESS) throw std::logic_error("loudness: ebur128_add_frames_float failed");
}

void LoudnessMeter::add_reading_envelope(const float* frames, std::size_t count) {
  State& s = *state_;
  const auto loudness_of = [&s](std::size_t blocks) {
    double sum = 0;
    const std::size_t n = s.energy.size();
    for (std::size_t i = n - std::min(n, blocks); i < n; ++i) sum += s.energy[i];
    return floored(-0.691 + 10.0 * std::log10(sum / static_cast<double>(blocks)));
  };
  while (count > 0) {
    const std::size_t n = std::min(count, s.reading_every - s.since_reading);
    add_frames(frames, n);
    frames += n * s.channels;
    count -= n;
    s.since_reading += n;
    if (s.since_reading == s.reading_every) {
      s.since_reading = 0;
      double last = -HUGE_VAL;
      if (ebur128_loudness_window(s.meter.get(), 100, &last) != EBUR128_SUCCESS) {
        throw std::logic_error("loudness: ebur128_loudness_window failed");
      }
      s.energy.push_back(std::isfinite(last) ? std::pow(10.0, (last + 0.691) / 10.0) : 0.0);
      s.momentary.push_back(loudness_of(4));
      s.short_term.push_back(loudness_of(30));
    }
  }
}

double LoudnessMeter::envelope_rate() const {
  return state_->reading_every == 0
             ? 0.0
             : state_->sample_rate / static_cast<double>(state_->reading_every);
}

const std::vector<double>& LoudnessMeter::momentary() const {
  return state_->momentary;
}

const std::vector<double>& LoudnessMeter::short_term() const {
  return state_->short_term;
}

double LoudnessMeter::integrated_lufs() const {
  double lufs = -HUGE_VAL;
  if (ebur128_loudness_global(state_->meter.get(), &lufs) != EBUR128_SUCCESS) return -70.0;
  return floored(lufs);
}

}  // namespace trackprint::io
