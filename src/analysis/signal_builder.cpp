#include "analysis/signal_builder.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "trackprint/error.hpp"

namespace trackprint::analysis {

SignalBuilder::SignalBuilder(int sample_rate, std::vector<io::Speaker> speakers, Parts parts,
                             const Trace* trace)
    : channels_(static_cast<int>(speakers.size())),
      mono_resampler_(sample_rate, features::kAnalysisRate) {
  if (parts == Parts::y_only) return;
  meter_.emplace(sample_rate, loudness_channels(speakers), /*envelope=*/trace != nullptr);
  if (channels_ >= 2) side_resampler_.emplace(sample_rate, features::kAnalysisRate);
  if (channels_ > 2) mid_resampler_.emplace(sample_rate, features::kAnalysisRate);
}

void SignalBuilder::reserve_y(double seconds) {
  if (seconds > 0 && seconds <= 24 * 3600) {
    y_.reserve(static_cast<std::size_t>(seconds * features::kAnalysisRate) + 1024);
  }
}

void SignalBuilder::add(const std::vector<std::vector<float>>& block) {
  spans_.assign(block.begin(), block.end());
  add(spans_);
}

namespace {

constexpr float kMaxSampleMagnitude = 1e6f;  // 120 dB over full scale

// Whether every sample is finite and within kMaxSampleMagnitude: one pass with no branch per
// sample, so it vectorises (NaN fails the comparison too).
bool all_plausible(std::span<const float> x) {
  unsigned bad = 0;
  for (float v : x) bad |= static_cast<unsigned>(!(std::fabs(v) <= kMaxSampleMagnitude));
  return bad == 0;
}

}  // namespace

void SignalBuilder::add(std::span<const std::span<const float>> block) {
  if (block.size() != static_cast<std::size_t>(channels_)) {
    throw std::invalid_argument("SignalBuilder: a block with the wrong number of channels");
  }
  if (block[0].empty()) return;
  const std::size_t n = block[0].size();
  for (const auto& ch : block) {
    if (all_plausible(ch)) continue;
    if (!std::all_of(ch.begin(), ch.end(), [](float v) { return std::isfinite(v); })) {
      throw Failure(ErrorKind::invalid_audio, "the audio holds NaN or infinite samples");
    }
    // Far beyond full scale (±1) a sample is not audio, and its powers would overflow.
    throw Failure(ErrorKind::invalid_audio,
                  "the audio holds samples over 1e6 times full scale (not audio)");
  }
  native_frames_ += n;
  if (meter_) meter_->add(block);
  // librosa.to_mono: numpy's float32 mean over the channel axis adds the channels in order,
  // then divides by their count, in float32. One channel is its own mean.
  std::span<const float> mono = block[0];
  if (block.size() > 1) {
    mix_.resize(n);
    const float* a = block[0].data();
    const float* b = block[1].data();
    for (std::size_t i = 0; i < n; ++i) mix_[i] = a[i] + b[i];
    for (std::size_t c = 2; c < block.size(); ++c) {
      const float* x = block[c].data();
      for (std::size_t i = 0; i < n; ++i) mix_[i] += x[i];
    }
    const auto count = static_cast<float>(block.size());
    for (float& v : mix_) v /= count;
    mono = mix_;
  }
  const std::size_t y_before = y_.size();
  mono_resampler_.push(mono, y_);
  if (side_resampler_) {
    // (L - R) / 2 in float32, as the mean (L + R) / 2 beside it (y itself for a stereo file).
    const float* a = block[0].data();
    const float* b = block[1].data();
    side_.resize(n);
    for (std::size_t i = 0; i < n; ++i) side_[i] = (a[i] - b[i]) / 2.0f;
    side_resampler_->push(side_, resampled_side_);
    if (mid_resampler_) {
      mid_.resize(n);
      for (std::size_t i = 0; i < n; ++i) mid_[i] = (a[i] + b[i]) / 2.0f;
      mid_resampler_->push(mid_, resampled_mid_);
    }
    add_stereo(y_before);
  }
  release_y();
}

void SignalBuilder::finish() {
  const std::size_t y_before = y_.size();
  mono_resampler_.finish(y_);
  if (side_resampler_) {
    side_resampler_->finish(resampled_side_);
    if (mid_resampler_) mid_resampler_->finish(resampled_mid_);
    add_stereo(y_before);
  }
  release_y();
}

// The side just resampled and the mid beside it (of a stereo file y itself, from y_before on):
// to the stereo family here, or the side to the tap.
void SignalBuilder::add_stereo(std::size_t y_before) {
  if (side_tapped()) {
    if (!resampled_side_.empty()) side_tap_(resampled_side_);
  } else {
    stereo_.push(mid_resampler_ ? std::span<const float>(resampled_mid_)
                                : std::span<const float>(y_).subspan(y_before),
                 resampled_side_);
  }
  resampled_side_.clear();
  resampled_mid_.clear();
}

void SignalBuilder::release_y() {
  if (!y_sink_) {
    y_length_ = y_.size();
    if (y_tap_ && y_tapped_ < y_.size()) {
      y_tap_(std::span<const float>(y_).subspan(y_tapped_));
      y_tapped_ = y_.size();
    }
    return;
  }
  y_length_ += y_.size();
  if (!y_.empty()) y_sink_(y_);
  y_.clear();
}

void SignalBuilder::write_loudness(Trace& trace) const {
  trace.duration_s = static_cast<double>(y_length_) / features::kAnalysisRate;
  if (!meter_) return;
  trace.loudness_rate = meter_->envelope_rate();
  trace.momentary_lufs = meter_->momentary();
  trace.short_term_lufs = meter_->short_term();
}

void MidSideStereo::push(std::span<const float> mid, std::span<const float> side) {
  if (mid_.empty() && side_.empty()) {  // the usual case: equal lengths, paired in place
    const std::size_t n = std::min(mid.size(), side.size());
    if (n > 0) add_pairs(mid.first(n), side.first(n));
    mid = mid.subspan(n);
    side = side.subspan(n);
  }
  push_mid(mid);
  push_side(side);
}

void MidSideStereo::push_mid(std::span<const float> mid) {
  arrive(mid, mid_, side_, /*is_mid=*/true);
}

void MidSideStereo::push_side(std::span<const float> side) {
  arrive(side, side_, mid_, /*is_mid=*/false);
}

// Both resamplers see identical input lengths, so they release equal counts: what arrives is
// usually paired at once with what waits of the other, and only the rest is kept (never both).
void MidSideStereo::arrive(std::span<const float> x, std::vector<float>& own,
                           std::vector<float>& other, bool is_mid) {
  if (!own.empty()) {  // the other is empty: nothing to pair yet
    own.insert(own.end(), x.begin(), x.end());
    return;
  }
  const std::size_t n = std::min(x.size(), other.size());
  if (n > 0) {
    const std::span<const float> paired(other.data(), n);
    add_pairs(is_mid ? x.first(n) : paired, is_mid ? paired : x.first(n));
    other.erase(other.begin(), other.begin() + static_cast<std::ptrdiff_t>(n));
  }
  const std::span<const float> rest = x.subspan(n);
  own.insert(own.end(), rest.begin(), rest.end());
}

void MidSideStereo::add_pairs(std::span<const float> mid, std::span<const float> side) {
  const std::size_t n = mid.size();
  left_block_.resize(n);
  right_block_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    left_block_[i] = mid[i] + side[i];
    right_block_[i] = mid[i] - side[i];
  }
  stereo_.add(left_block_, right_block_);
  if (keep_) {
    left_.insert(left_.end(), left_block_.begin(), left_block_.end());
    right_.insert(right_.end(), right_block_.begin(), right_block_.end());
  }
}

std::vector<dsp::LoudnessChannel> loudness_channels(std::span<const io::Speaker> speakers) {
  std::vector<dsp::LoudnessChannel> channels;
  for (const io::Speaker s : speakers) {
    channels.push_back(s == io::Speaker::lfe ? dsp::LoudnessChannel::unused
                       : s == io::Speaker::surround_left || s == io::Speaker::surround_right
                           ? dsp::LoudnessChannel::surround
                           : dsp::LoudnessChannel::front);
  }
  return channels;
}

void decode_into(io::Decoder& decoder, SignalBuilder& signal, CancelFlag cancel) {
  std::vector<std::vector<float>> block;
  while (decoder.next_block(block)) {
    cancel.check();
    signal.add(block);
  }
  signal.finish();
}

StreamedTrack stream_file(const std::string& path, bool keep_stereo_channels) {
  io::Decoder decoder(path);
  StreamedTrack track{decoder.info(),
                      SignalBuilder(decoder.info().sample_rate, decoder.info().speakers)};
  if (keep_stereo_channels) track.signal.keep_stereo_channels();
  decode_into(decoder, track.signal);
  return track;
}

}  // namespace trackprint::analysis
