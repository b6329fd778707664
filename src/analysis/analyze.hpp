// Runs one track: decoded blocks → loudness and the analysis signal at 22050 Hz → the feature
// families, with one STFT of y shared by every family that uses librosa's default transform
// (spec §1.5). The native-rate audio is streamed, never held whole.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dsp/resample.hpp"
#include "features/families.hpp"
#include "io/decoder.hpp"
#include "io/loudness.hpp"
#include "trackprint/fingerprint.hpp"

namespace trackprint::analysis {

// Turns decoded blocks (native rate, planar) into what the families need: y, the mean of all
// channels resampled to 22050 Hz (spec §1.3), kept whole; channels 0 and 1 resampled likewise
// and summed into the stereo family as they come; and the BS.1770 loudness at the native rate.
class SignalBuilder {
 public:
  SignalBuilder(int sample_rate, std::vector<io::Speaker> speakers);

  // One block: one span per channel, equal lengths. Throws Failure on NaN or infinity.
  void add(std::span<const std::span<const float>> block);
  void add(const std::vector<std::vector<float>>& block);
  // End of input: completes y (librosa's fix_length) and the stereo sums.
  void finish();

  // Also keep L and R at 22050 Hz (for `trackprint decode`); off by default.
  void keep_stereo_channels() { keep_stereo_ = true; }

  const std::vector<float>& y() const { return y_; }
  const std::vector<float>& left() const { return left_; }
  const std::vector<float>& right() const { return right_; }
  const features::StereoAccumulator& stereo() const { return stereo_; }
  double lufs() const { return meter_.integrated_lufs(); }
  std::size_t native_frames() const { return native_frames_; }

 private:
  void add_stereo();

  int channels_;
  io::LoudnessMeter meter_;
  dsp::StreamingResampler mono_resampler_;
  std::optional<dsp::StreamingResampler> left_resampler_, right_resampler_;
  features::StereoAccumulator stereo_;
  bool keep_stereo_ = false;
  std::size_t native_frames_ = 0;
  std::vector<float> mix_;
  std::vector<float> y_, left_, right_;
  std::vector<float> left_block_, right_block_;  // released but not yet paired
};

// The decoded track's description and its analysis signal; throws Failure.
struct StreamedTrack {
  io::StreamInfo info;
  SignalBuilder signal;
};
StreamedTrack stream_file(const std::string& path, bool keep_stereo_channels = false);

// The 25 values from a finished SignalBuilder, on up to `threads` threads (the result is the
// same for any count); throws Failure (too_short).
Fingerprint fingerprint_of(const SignalBuilder& signal, int threads = 1);

}  // namespace trackprint::analysis
