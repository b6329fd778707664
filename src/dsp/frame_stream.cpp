#include "dsp/frame_stream.hpp"

#include <algorithm>
#include <stdexcept>

namespace trackprint::dsp {

FrameStream::FrameStream(std::size_t frame_length, std::size_t hop, Edges edges)
    : frame_length_(frame_length),
      hop_(hop),
      lead_(edges == Edges::centred ? frame_length / 2 : 0),
      edges_(edges) {
  if (frame_length == 0 || hop == 0) throw std::invalid_argument("FrameStream: zero frame or hop");
  buffer_.assign(lead_, 0.0f);
}

void FrameStream::push(std::span<const float> samples) {
  if (finished_) throw std::logic_error("FrameStream: push() after finish()");
  keep_from(frames_out_ * hop_);
  samples_in_ += samples.size();
  const std::size_t dropped = std::min(skip_, samples.size());
  skip_ -= dropped;
  samples = samples.subspan(dropped);
  start_ += dropped;
  if (samples.empty()) return;
  view_ = samples;
  view_start_ = buffer_end();
  // A frame that starts in the buffer ends within frame_length - 1 samples of the block: those
  // are copied after the buffer, so that such a frame is contiguous there.
  if (start_ < view_start_) {
    const std::size_t head = std::min(samples.size(), frame_length_ - 1);
    buffer_.insert(buffer_.end(), samples.begin(),
                   samples.begin() + static_cast<std::ptrdiff_t>(head));
  }
}

void FrameStream::keep_from(std::size_t from) {
  const std::size_t stop = end();
  if (from >= buffer_end()) {
    buffer_.clear();
    head_ = 0;
    start_ = std::min(from, stop);
  } else {
    head_ += from - start_;
    start_ = from;
    // Compact before growing: the part before head_ has been consumed.
    if (head_ > 0 && head_ >= buffer_.size() / 2) {
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  if (!view_.empty()) {
    const std::size_t copied = buffer_end();  // the block is in the buffer up to here
    if (copied < stop) {
      buffer_.insert(buffer_.end(),
                     view_.begin() + static_cast<std::ptrdiff_t>(copied - view_start_),
                     view_.end());
    }
    view_ = {};
  }
  if (from > stop) skip_ = from - stop;  // the next frame starts past the signal so far
}

void FrameStream::finish() {
  if (finished_) return;
  keep_from(frames_out_ * hop_);
  finished_ = true;
  padded_length_ = samples_in_ + 2 * lead_;
  if (edges_ == Edges::centred) {
    // The trailing zeros are part of the padded signal: a pending skip passes over them too.
    const std::size_t dropped = std::min(skip_, lead_);
    skip_ -= dropped;
    start_ += dropped;
    buffer_.insert(buffer_.end(), lead_ - dropped, 0.0f);
  }
}

std::size_t FrameStream::total_frames() const {
  if (!finished_) throw std::logic_error("FrameStream: total_frames() before finish()");
  if (edges_ == Edges::truncated) return (samples_in_ + hop_ - 1) / hop_;
  if (padded_length_ < frame_length_) return 0;
  return 1 + (padded_length_ - frame_length_) / hop_;
}

bool FrameStream::next(std::span<const float>& frame) {
  const std::size_t first = frames_out_ * hop_;  // padded position of the frame's first sample
  std::size_t last = first + frame_length_;
  if (finished_) {
    if (frames_out_ >= total_frames()) return false;
    last = std::min(last, padded_length_);
  } else if (end() < last) {
    keep_from(first);  // the block may go away now: keep what later frames read
    return false;
  }
  if (!view_.empty() && first >= view_start_) {
    frame = view_.subspan(first - view_start_, last - first);
  } else {
    // start_ <= first always: the buffer is only ever dropped up to the next frame's start.
    frame = std::span<const float>(buffer_.data() + head_ + (first - start_), last - first);
  }
  ++frames_out_;
  return true;
}

}  // namespace trackprint::dsp
