#include "analysis/analyze.hpp"

#include <cmath>
#include <complex>
#include <cstdio>
#include <future>
#include <string>

#include "dsp/numpy_abs.hpp"
#include "dsp/stft.hpp"
#include "trackprint/trackprint.hpp"
#include "trackprint/version.hpp"

namespace trackprint::analysis {
namespace {

constexpr std::size_t kMinimumSamples = 11025;  // 0.5 s at 22050 Hz (spec §1.4)
constexpr std::size_t kSamplesBlock = 1 << 16;  // frames per block when the input is in memory

std::vector<std::span<const float>> spans_of(const std::vector<std::vector<float>>& block) {
  return {block.begin(), block.end()};
}

}  // namespace

SignalBuilder::SignalBuilder(int sample_rate, std::vector<io::Speaker> speakers)
    : channels_(static_cast<int>(speakers.size())),
      meter_(sample_rate, speakers),
      mono_resampler_(sample_rate, features::kAnalysisRate) {
  if (channels_ >= 2) {
    left_resampler_.emplace(sample_rate, features::kAnalysisRate);
    right_resampler_.emplace(sample_rate, features::kAnalysisRate);
  }
}

void SignalBuilder::add(const std::vector<std::vector<float>>& block) {
  add(spans_of(block));
}

void SignalBuilder::add(std::span<const std::span<const float>> block) {
  if (block.size() != static_cast<std::size_t>(channels_)) {
    throw std::invalid_argument("SignalBuilder: a block with the wrong number of channels");
  }
  if (block[0].empty()) return;
  const std::size_t n = block[0].size();
  for (const auto& ch : block) {
    for (float v : ch) {
      if (!std::isfinite(v)) {
        throw Failure(ErrorKind::invalid_input, "the audio holds NaN or infinite samples");
      }
    }
  }
  native_frames_ += n;
  meter_.add(block);
  // librosa.to_mono: numpy's float32 mean over the channel axis adds the channels in order,
  // then divides by their count, in float32.
  mix_.assign(block[0].begin(), block[0].end());
  for (std::size_t c = 1; c < block.size(); ++c) {
    for (std::size_t i = 0; i < n; ++i) mix_[i] += block[c][i];
  }
  if (block.size() > 1) {
    const auto count = static_cast<float>(block.size());
    for (float& v : mix_) v /= count;
  }
  mono_resampler_.push(mix_, y_);
  if (left_resampler_) {
    left_resampler_->push(block[0], left_block_);
    right_resampler_->push(block[1], right_block_);
    add_stereo();
  }
}

void SignalBuilder::finish() {
  mono_resampler_.finish(y_);
  if (left_resampler_) {
    left_resampler_->finish(left_block_);
    right_resampler_->finish(right_block_);
    add_stereo();
  }
}

// Both resamplers see identical input lengths, so they release equal counts; pairing through
// the pending buffers keeps the sums right even if they ever did not.
void SignalBuilder::add_stereo() {
  const std::size_t n = std::min(left_block_.size(), right_block_.size());
  if (n == 0) return;
  stereo_.add(std::span<const float>(left_block_.data(), n),
              std::span<const float>(right_block_.data(), n));
  if (keep_stereo_) {
    left_.insert(left_.end(), left_block_.begin(),
                 left_block_.begin() + static_cast<std::ptrdiff_t>(n));
    right_.insert(right_.end(), right_block_.begin(),
                  right_block_.begin() + static_cast<std::ptrdiff_t>(n));
  }
  left_block_.erase(left_block_.begin(), left_block_.begin() + static_cast<std::ptrdiff_t>(n));
  right_block_.erase(right_block_.begin(), right_block_.begin() + static_cast<std::ptrdiff_t>(n));
}

StreamedTrack stream_file(const std::string& path, bool keep_stereo_channels) {
  io::Decoder decoder(path);
  StreamedTrack track{decoder.info(),
                      SignalBuilder(decoder.info().sample_rate, decoder.info().speakers)};
  if (keep_stereo_channels) track.signal.keep_stereo_channels();
  std::vector<std::vector<float>> block;
  while (decoder.next_block(block)) track.signal.add(block);
  track.signal.finish();
  return track;
}

Fingerprint fingerprint_of(const SignalBuilder& signal, int threads) {
  const std::vector<float>& y = signal.y();
  if (y.size() < kMinimumSamples) {
    char reason[96];
    std::snprintf(reason, sizeof reason, "too short: %.2f s of audio, at least 0.5 s needed",
                  static_cast<double>(y.size()) / features::kAnalysisRate);
    throw Failure(ErrorKind::too_short, reason);
  }
  // The families that read only y run beside the STFT loop when a second thread is allowed.
  // Every family writes only its own elements of fp.values (distinct objects, so no race), and
  // each dimension is computed by the same code either way: the output is byte-identical for
  // any thread count. fp is declared first so that it outlives the side thread's future, whose
  // destructor waits for it even when the loop below throws.
  Fingerprint fp;
  const auto measure_from_y = [&y, &fp] {
    const features::BandEnergies bands = features::band_energies(y);
    features::measure_frequency(bands, fp);
    features::measure_dynamics(y, bands, fp);
    features::measure_variation(y, fp);
    features::measure_pitch_stability(y, fp);
  };
  std::future<void> side;
  if (threads > 1) {
    side = std::async(std::launch::async, measure_from_y);
  } else {
    measure_from_y();
  }
  fp[Dim::lufs] = signal.lufs();

  // The shared STFT (spec §1.5), one column at a time: each family keeps only what it needs.
  features::SpectralFamily spectral;
  features::TemporalFamily temporal;
  features::HarmonicFamily harmonic(y.size());
  dsp::FrameTransform frames(features::kFftSize, features::kHop, /*center=*/true);
  std::vector<std::complex<float>> column(frames.n_bins());
  std::vector<float> magnitude(frames.n_bins());
  const std::size_t n_frames = frames.frame_count(y.size());
  for (std::size_t t = 0; t < n_frames; ++t) {
    frames.transform(y, t, column);
    dsp::numpy_abs(column.data(), magnitude.data(), column.size());
    spectral.push(magnitude);
    temporal.push(magnitude);
    harmonic.push(column, magnitude);
  }
  spectral.finish(fp);
  temporal.finish(y, fp);
  harmonic.finish(y, fp);
  signal.stereo().finish(fp);
  if (side.valid()) side.get();  // rethrows what the side thread threw
  for (double v : fp.values) {
    if (!std::isfinite(v)) throw std::logic_error("a dimension came out non-finite");
  }
  return fp;
}

}  // namespace trackprint::analysis

namespace trackprint {

std::string_view engine_version() {
  return kEngineVersion;
}

Result<Fingerprint> analyze_file(const std::string& path, const AnalysisOptions& options) {
  try {
    const analysis::StreamedTrack track = analysis::stream_file(path);
    Fingerprint fp = analysis::fingerprint_of(track.signal, options.threads);
    fp.sample_rate = track.info.sample_rate;
    fp.channels = track.info.channels;
    fp.codec = track.info.codec;
    fp.duration_s = static_cast<double>(track.signal.native_frames()) / track.info.sample_rate;
    return fp;
  } catch (const Failure& f) {
    return Error{f.kind(), path, f.reason()};
  } catch (const std::bad_alloc&) {
    return Error{ErrorKind::io, path, "out of memory"};
  } catch (const std::exception& e) {
    return Error{ErrorKind::internal, path, std::string("internal error: ") + e.what()};
  }
}

Result<Fingerprint> analyze_samples(std::span<const std::span<const float>> channels,
                                    int sample_rate, const AnalysisOptions& options) {
  try {
    if (channels.empty()) throw Failure(ErrorKind::invalid_input, "no channels");
    if (sample_rate < 1000 || sample_rate > 768000) {
      throw Failure(ErrorKind::invalid_input,
                    "sample rate out of range: " + std::to_string(sample_rate));
    }
    for (const auto& ch : channels) {
      if (ch.size() != channels[0].size()) {
        throw Failure(ErrorKind::invalid_input, "channels differ in length");
      }
    }
    // Channels-first arrays carry no layout: the first two are read as left and right.
    std::vector<io::Speaker> speakers;
    for (std::size_t c = 0; c < channels.size(); ++c) {
      speakers.push_back(c == 0   ? io::Speaker::front_left
                         : c == 1 ? io::Speaker::front_right
                                  : io::Speaker::other);
    }
    analysis::SignalBuilder signal(sample_rate, speakers);
    std::vector<std::span<const float>> block(channels.size());
    const std::size_t total = channels[0].size();
    for (std::size_t start = 0; start < total; start += analysis::kSamplesBlock) {
      const std::size_t n = std::min(analysis::kSamplesBlock, total - start);
      for (std::size_t c = 0; c < channels.size(); ++c) block[c] = channels[c].subspan(start, n);
      signal.add(block);
    }
    signal.finish();
    Fingerprint fp = analysis::fingerprint_of(signal, options.threads);
    fp.sample_rate = sample_rate;
    fp.channels = static_cast<int>(channels.size());
    fp.duration_s = static_cast<double>(total) / sample_rate;
    return fp;
  } catch (const Failure& f) {
    return Error{f.kind(), "", f.reason()};
  } catch (const std::bad_alloc&) {
    return Error{ErrorKind::io, "", "out of memory"};
  } catch (const std::exception& e) {
    return Error{ErrorKind::internal, "", std::string("internal error: ") + e.what()};
  }
}

}  // namespace trackprint
