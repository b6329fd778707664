// Decoded blocks (native rate, planar) → what the families need: the BS.1770 loudness at the
// native rate; y, the mean of all channels resampled to 22050 Hz (spec §1.3), kept whole or
// handed on block by block; channels 0 and 1 at 22050 Hz likewise (of a stereo file, from y and
// the resampled side), summed into the stereo family as they come. The native-rate audio is never
// held whole.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/cancel_flag.hpp"
#include "dsp/loudness.hpp"
#include "dsp/resample.hpp"
#include "features/families.hpp"
#include "io/decoder.hpp"
#include "trackprint/trace.hpp"

namespace trackprint::analysis {

// A stereo pair at 22050 Hz from its mid (L + R) / 2 and side (L - R) / 2, each resampled (a
// resampler is linear): L = mid + side, R = mid - side, paired as the two arrive in blocks of
// any sizes and summed into the stereo family.
class MidSideStereo {
 public:
  void push_mid(std::span<const float> mid);
  void push_side(std::span<const float> side);
  void push(std::span<const float> mid, std::span<const float> side);  // both at once
  void keep_channels() { keep_ = true; }                               // also keep L and R whole
  const features::StereoAccumulator& stereo() const { return stereo_; }
  const std::vector<float>& left() const { return left_; }
  const std::vector<float>& right() const { return right_; }

 private:
  void arrive(std::span<const float> x, std::vector<float>& own, std::vector<float>& other,
              bool is_mid);
  void add_pairs(std::span<const float> mid, std::span<const float> side);
  std::vector<float> mid_, side_;  // arrived, not yet paired (one of them is empty)
  std::vector<float> left_block_, right_block_;
  features::StereoAccumulator stereo_;
  bool keep_ = false;
  std::vector<float> left_, right_;
};

class SignalBuilder {
 public:
  enum class Parts { all, y_only };  // y_only: no loudness, no stereo (a second pass over y)
  // With `trace`, the loudness meter also reads the momentary and short-term loudness
  // (write_loudness hands them over).
  SignalBuilder(int sample_rate, std::vector<io::Speaker> speakers, Parts parts = Parts::all,
                const Trace* trace = nullptr);

  // Hand y to `sink` block by block as it is made instead of keeping it (y() stays empty).
  void stream_y(std::function<void(std::span<const float>)> sink) { y_sink_ = std::move(sink); }
  // Room for y of a track declared `seconds` long (a hint: y grows past it if need be), so that
  // a held y is not copied as it grows.
  void reserve_y(double seconds);
  std::size_t y_reserved() const { return y_.capacity(); }  // what reserve_y made room for
  // Keep y, and also show `tap` each new block as it is made (for a second thread).
  void tap_y(std::function<void(std::span<const float>)> tap) { y_tap_ = std::move(tap); }
  // Of a stereo file: hand each block of the resampled side to `tap` instead of summing the
  // stereo family here (stereo() then stays empty): the receiver pairs it with y, the mid, in a
  // MidSideStereo of its own (for a second thread). Other files: no effect.
  void tap_side(std::function<void(std::span<const float>)> tap) { side_tap_ = std::move(tap); }
  bool side_tapped() const { return side_tap_ && side_resampler_ && !mid_resampler_; }

  // One block: one span per channel, equal lengths. Throws Failure (invalid_audio) on NaN,
  // infinity or a sample over 1e6 times full scale.
  void add(std::span<const std::span<const float>> block);
  void add(const std::vector<std::vector<float>>& block);
  // End of input: completes y (librosa's fix_length) and the stereo sums.
  void finish();

  // Also keep L and R at 22050 Hz (for `trackprint decode`); off by default.
  void keep_stereo_channels() { stereo_.keep_channels(); }

  const std::vector<float>& y() const { return y_; }
  std::size_t y_length() const { return y_length_; }
  const std::vector<float>& left() const { return stereo_.left(); }
  const std::vector<float>& right() const { return stereo_.right(); }
  const features::StereoAccumulator& stereo() const { return stereo_.stereo(); }
  double lufs() const { return meter_ ? meter_->integrated_lufs() : 0.0; }
  // The loudness envelope and y's duration, into a trace (of a builder made with one).
  void write_loudness(Trace& trace) const;
  std::size_t native_frames() const { return native_frames_; }

 private:
  void add_stereo(std::size_t y_before);
  void release_y();

  int channels_;
  std::optional<dsp::LoudnessMeter> meter_;
  dsp::StreamingResampler mono_resampler_;
  // L and R at 22050 Hz are the resampled mid (L + R) / 2 plus and minus the resampled side
  // (L - R) / 2 (a resampler is linear). Of a stereo file the mid is y: two resamplers, not
  // three. Of more channels it is resampled on its own, so that L and R are those of the same
  // two channels as a stereo file, bit for bit.
  std::optional<dsp::StreamingResampler> side_resampler_, mid_resampler_;
  MidSideStereo stereo_;
  std::size_t native_frames_ = 0;
  std::vector<float> mix_;
  std::vector<std::span<const float>> spans_;  // of the block being added
  std::vector<float> y_;
  std::function<void(std::span<const float>)> y_sink_, y_tap_, side_tap_;
  std::size_t y_length_ = 0;
  std::size_t y_tapped_ = 0;                           // of y_, shown to the tap
  std::vector<float> mid_, side_;                      // of the block being added
  std::vector<float> resampled_mid_, resampled_side_;  // their resamplers' output
};

// BS.1770's channel weights by speaker position: 1.0 for front and centre (and any other),
// 1.41 for surrounds, LFE not measured. A mono file is one front speaker (weight 1), as
// pyloudnorm reads it: no dual-mono boost.
std::vector<dsp::LoudnessChannel> loudness_channels(std::span<const io::Speaker> speakers);

// Every block of `decoder` into `signal`, then signal.finish(); throws Failure, also (kind
// cancelled) when `cancel` is set, checked before each block.
void decode_into(io::Decoder& decoder, SignalBuilder& signal, CancelFlag cancel = {});

// The decoded track's description and its analysis signal (y kept); throws Failure.
struct StreamedTrack {
  io::StreamInfo info;
  SignalBuilder signal;
};
StreamedTrack stream_file(const std::string& path, bool keep_stereo_channels = false);

}  // namespace trackprint::analysis
