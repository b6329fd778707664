// Frames of a signal that arrives in blocks, exactly as librosa.util.frame cuts the whole
// (optionally centre-padded) signal: frame t starts at t * hop in padded coordinates. Holds about
// one frame of samples whatever the length, so a family can follow a track of any duration.
// Frames that lie inside the block just pushed are handed out in place, without a copy; only
// what frames span across blocks is copied (about a frame per block).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace trackprint::dsp {

class FrameStream {
 public:
  enum class Edges {
    centred,    // frame_length/2 zeros before and after the signal (center=True, "constant")
    inside,     // frames lie wholly inside the signal (center=False)
    truncated,  // frames start inside the signal; the last ones are cut short at its end
  };
  FrameStream(std::size_t frame_length, std::size_t hop, Edges edges);

  // More of the signal, in order. Frames returned by next() before stay valid only until then.
  // The stream reads `samples` in place until next() has returned false (or the next push() or
  // finish()): keep them valid and unchanged until then.
  void push(std::span<const float> samples);
  // End of the signal: the frames that need its end (or the padding after it) become ready.
  void finish();

  // The next frame if it is ready: frame_length samples (fewer only for Edges::truncated).
  bool next(std::span<const float>& frame);

  std::size_t frame_length() const { return frame_length_; }
  std::size_t hop() const { return hop_; }
  std::size_t frames_out() const { return frames_out_; }
  std::size_t samples_in() const { return samples_in_; }  // of the signal, padding excluded
  // Frames the whole signal gives (librosa's count); known once finish() has been called.
  std::size_t total_frames() const;

 private:
  std::size_t buffer_end() const { return start_ + (buffer_.size() - head_); }  // padded
  std::size_t end() const { return view_.empty() ? buffer_end() : view_start_ + view_.size(); }
  // Keep [from, end()) in the buffer and let go of the pushed block.
  void keep_from(std::size_t from);

  std::size_t frame_length_, hop_, lead_;
  Edges edges_;
  std::vector<float> buffer_;  // padded signal from position start_, beginning at index head_
  std::size_t head_ = 0;
  std::size_t start_ = 0;        // padded position of buffer_[head_]
  std::span<const float> view_;  // the block pushed last, read in place
  std::size_t view_start_ = 0;   // its padded position (<= buffer_end())
  std::size_t skip_ = 0;         // samples still to discard from the next pushes (hop > length)
  std::size_t samples_in_ = 0;
  std::size_t frames_out_ = 0;
  std::size_t padded_length_ = 0;  // set by finish()
  bool finished_ = false;
};

// Calls `f` on consecutive pieces of `y` of at most kPiece samples. A stream handed a whole
// track at once pushes it to its FrameStream piece by piece, draining frames in between, so it
// holds a piece and not a copy of the track.
inline constexpr std::size_t kPiece = std::size_t{1} << 15;
template <class F>
void in_pieces(std::span<const float> y, F&& f) {
  for (std::size_t at = 0; at < y.size(); at += kPiece) {
    f(y.subspan(at, y.size() - at < kPiece ? y.size() - at : kPiece));
  }
}

}  // namespace trackprint::dsp
