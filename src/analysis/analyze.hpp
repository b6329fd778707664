// Runs one track: decoded blocks → loudness and the analysis signal at 22050 Hz → the feature
// families, with one STFT of y shared by every family that uses librosa's default transform
// (spec §1.5). The native-rate audio is streamed, never held whole. y is held whole for tracks
// up to kHoldSignalSeconds; longer ones (and those of unknown length) are decoded twice instead,
// every family taking y as it streams by, so memory stays flat whatever the duration. Each
// family is fed the same samples either way: the fingerprint does not depend on the route.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dsp/frame_stream.hpp"
#include "dsp/resample.hpp"
#include "dsp/stft.hpp"
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
  enum class Parts { all, y_only };  // y_only: no loudness, no stereo (a second pass over y)
  // With `trace`, the loudness meter also reads the momentary and short-term loudness
  // (write_loudness hands them over).
  SignalBuilder(int sample_rate, std::vector<io::Speaker> speakers, Parts parts = Parts::all,
                const Trace* trace = nullptr);

  // Hand y to `sink` block by block as it is made instead of keeping it (y() stays empty).
  void stream_y(std::function<void(std::span<const float>)> sink) { y_sink_ = std::move(sink); }

  // One block: one span per channel, equal lengths. Throws Failure on NaN or infinity.
  void add(std::span<const std::span<const float>> block);
  void add(const std::vector<std::vector<float>>& block);
  // End of input: completes y (librosa's fix_length) and the stereo sums.
  void finish();

  // Also keep L and R at 22050 Hz (for `trackprint decode`); off by default.
  void keep_stereo_channels() { keep_stereo_ = true; }

  const std::vector<float>& y() const { return y_; }
  std::size_t y_length() const { return y_length_; }
  const std::vector<float>& left() const { return left_; }
  const std::vector<float>& right() const { return right_; }
  const features::StereoAccumulator& stereo() const { return stereo_; }
  double lufs() const { return meter_ ? meter_->integrated_lufs() : 0.0; }
  // The loudness envelope and y's duration, into a trace (of a builder made with one).
  void write_loudness(Trace& trace) const;
  std::size_t native_frames() const { return native_frames_; }

 private:
  void add_stereo();
  void release_y();

  int channels_;
  std::optional<io::LoudnessMeter> meter_;
  dsp::StreamingResampler mono_resampler_;
  std::optional<dsp::StreamingResampler> left_resampler_, right_resampler_;
  features::StereoAccumulator stereo_;
  bool keep_stereo_ = false;
  std::size_t native_frames_ = 0;
  std::vector<float> mix_;
  std::vector<float> y_, left_, right_;
  std::function<void(std::span<const float>)> y_sink_;
  std::size_t y_length_ = 0;
  std::vector<float> left_block_, right_block_;  // released but not yet paired
};

// The decoded track's description and its analysis signal; throws Failure.
struct StreamedTrack {
  io::StreamInfo info;
  SignalBuilder signal;
};
StreamedTrack stream_file(const std::string& path, bool keep_stereo_channels = false);

// Tracks declared no longer than this keep y in memory (~5 MB a minute) and are decoded once.
inline constexpr double kHoldSignalSeconds = 600;

// The families that read y's samples directly: band energies, crest, variation, pitch (YIN).
class SampleFamilies {
 public:
  void trace_into(Trace* trace);
  void push(std::span<const float> y);
  void finish(Fingerprint& fp);

 private:
  features::WelchBands welch_;
  features::CrestMeter crest_;
  features::VariationFamily variation_;
  features::PitchFamily pitch_;
};

// The shared STFT (2048/512, centred, spec §1.5) framed as y arrives, and the families that read
// it. In one pass (y held, its length known): spectral, temporal, the tuning estimate and HPSS.
// In two (y streamed twice): first spectral, the tuning and the first half of temporal; then,
// with len(y) and the mel peak known, HPSS and the second half of temporal.
class StftFamilies {
 public:
  enum class Pass { one, first_of_two, second_of_two };
  // length = len(y) (not needed by the first of two), mel_peak_db = the first's mel_peak_db().
  explicit StftFamilies(Pass pass, std::size_t length = 0, float mel_peak_db = 0);
  void trace_into(Trace* trace);  // before the first push

  void push(std::span<const float> y);
  void finish(Fingerprint& fp);
  double tuning();      // chroma_cqt's tuning, after finish() (not in the second of two)
  float mel_peak_db();  // after finish() of the first of two

 private:
  void drain();
  dsp::FrameStream frames_;
  dsp::FrameTransform transform_;
  std::vector<std::complex<float>> column_;
  std::vector<float> magnitude_;
  std::optional<features::SpectralFamily> spectral_;
  features::TemporalFamily temporal_;
  bool feeds_samples_ = true;  // temporal's RMS of y (not in the second of two passes)
  std::optional<dsp::TuningEstimator> tuning_;
  std::optional<features::HpssFamily> hpss_;
};

// The 25 values from a finished SignalBuilder that kept y, on up to `threads` threads (the
// result is the same for any count); throws Failure (too_short). With a trace (of which the
// builder was told), the families also fill it; the values are the same.
Fingerprint fingerprint_of(const SignalBuilder& signal, int threads = 1, Trace* trace = nullptr);

// The 25 values of a file, decoding it once (y held) or twice (y streamed) by its declared
// length (pipes and devices are always held), or as `route` says (tests check that both give the
// same bits); throws Failure.
enum class Route { by_length, held, streamed };
Fingerprint fingerprint_file(const std::string& path, int threads = 1,
                             Route route = Route::by_length,
                             double max_duration_s = kDefaultMaxDurationSeconds,
                             Trace* trace = nullptr);

}  // namespace trackprint::analysis
