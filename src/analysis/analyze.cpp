#include "analysis/analyze.hpp"

#include <cmath>
#include <complex>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "dsp/numpy_abs.hpp"
#include "dsp/stft.hpp"
#include "features/families.hpp"
#include "trackprint/trace.hpp"
#include "trackprint/trackprint.hpp"
#include "trackprint/version.hpp"

namespace trackprint::analysis {
namespace {

constexpr std::size_t kMinimumSamples = 11025;  // 0.5 s at 22050 Hz (spec §1.4)
constexpr std::size_t kSamplesBlock = 1 << 16;  // frames per block when the input is in memory
constexpr float kMaxSampleMagnitude = 1e6f;     // 120 dB over full scale

std::vector<std::span<const float>> spans_of(const std::vector<std::vector<float>>& block) {
  return {block.begin(), block.end()};
}

}  // namespace

SignalBuilder::SignalBuilder(int sample_rate, std::vector<io::Speaker> speakers, Parts parts,
                             const Trace* trace)
    : channels_(static_cast<int>(speakers.size())),
      mono_resampler_(sample_rate, features::kAnalysisRate) {
  if (parts == Parts::y_only) return;
  meter_.emplace(sample_rate, speakers, /*envelope=*/trace != nullptr);
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
        throw Failure(ErrorKind::invalid_audio, "the audio holds NaN or infinite samples");
      }
      // Far beyond full scale (±1) a sample is not audio, and its powers would overflow.
      if (std::fabs(v) > kMaxSampleMagnitude) {
        throw Failure(ErrorKind::invalid_audio,
                      "the audio holds samples over 1e6 times full scale (not audio)");
      }
    }
  }
  native_frames_ += n;
  if (meter_) meter_->add(block);
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
  release_y();
  if (left_resampler_) {
    left_resampler_->push(block[0], left_block_);
    right_resampler_->push(block[1], right_block_);
    add_stereo();
  }
}

void SignalBuilder::finish() {
  const std::size_t before = y_.size();
  mono_resampler_.finish(y_);
  y_length_ += y_.size() - before;
  if (y_sink_) {
    y_sink_(y_);
    y_.clear();
  }
  if (left_resampler_) {
    left_resampler_->finish(left_block_);
    right_resampler_->finish(right_block_);
    add_stereo();
  }
}

void SignalBuilder::release_y() {
  if (!y_sink_) {
    y_length_ = y_.size();
    return;
  }
  y_length_ += y_.size();
  y_sink_(y_);
  y_.clear();
}

void SignalBuilder::write_loudness(Trace& trace) const {
  trace.duration_s = static_cast<double>(y_length_) / features::kAnalysisRate;
  if (!meter_) return;
  trace.loudness_rate = meter_->envelope_rate();
  trace.momentary_lufs = meter_->momentary();
  trace.short_term_lufs = meter_->short_term();
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

void SampleFamilies::trace_into(Trace* trace) {
  crest_.trace_into(trace);
  variation_.trace_into(trace);
  pitch_.trace_into(trace);
}

void SampleFamilies::push(std::span<const float> y) {
  welch_.push(y);
  crest_.push(y);
  variation_.push(y);
  pitch_.push(y);
}

void SampleFamilies::finish(Fingerprint& fp) {
  const features::BandEnergies bands = welch_.finish();
  features::measure_frequency(bands, fp);
  features::measure_dynamics(crest_, bands, fp);
  variation_.finish(fp);
  pitch_.finish(fp);
}

StftFamilies::StftFamilies(Pass pass, std::size_t length, float mel_peak_db)
    : frames_(features::kFftSize, features::kHop, dsp::FrameStream::Edges::centred),
      transform_(features::kFftSize, features::kHop, /*center=*/true),
      column_(transform_.n_bins()),
      magnitude_(transform_.n_bins()),
      temporal_(pass == Pass::first_of_two ? features::TemporalFamily::first_of_two()
                : pass == Pass::second_of_two
                    ? features::TemporalFamily::second_of_two(mel_peak_db, length)
                    : features::TemporalFamily()),
      feeds_samples_(pass != Pass::second_of_two) {
  if (pass != Pass::second_of_two) {
    spectral_.emplace();
    tuning_.emplace(features::make_tuning_estimator());
  }
  if (pass != Pass::first_of_two) hpss_.emplace(length);
}

void StftFamilies::trace_into(Trace* trace) {
  if (spectral_) spectral_->trace_into(trace);
  temporal_.trace_into(trace);
  if (hpss_) hpss_->trace_into(trace);
}

void StftFamilies::push(std::span<const float> y) {
  if (feeds_samples_) temporal_.push_samples(y);
  dsp::in_pieces(y, [this](std::span<const float> piece) {
    frames_.push(piece);
    drain();
  });
}

// One column at a time: each family keeps only what it needs.
void StftFamilies::drain() {
  std::span<const float> frame;
  while (frames_.next(frame)) {
    transform_.transform_frame(frame, column_);
    dsp::numpy_abs(column_.data(), magnitude_.data(), column_.size());
    if (spectral_) spectral_->push(magnitude_);
    temporal_.push(magnitude_);
    if (tuning_) tuning_->push(magnitude_);
    if (hpss_) hpss_->push(column_, magnitude_);
  }
}

void StftFamilies::finish(Fingerprint& fp) {
  frames_.finish();
  drain();
  if (spectral_) spectral_->finish(fp);
  temporal_.finish(fp);
  if (hpss_) hpss_->finish(fp);
}

double StftFamilies::tuning() {
  if (!tuning_) throw std::logic_error("StftFamilies: no tuning estimate in this pass");
  return tuning_->finish();
}

float StftFamilies::mel_peak_db() {
  return temporal_.peak_db();
}

namespace {

void require_length(std::size_t n) {
  if (n < kMinimumSamples) {
    char reason[96];
    std::snprintf(reason, sizeof reason, "too short: %.2f s of audio, at least 0.5 s needed",
                  static_cast<double>(n) / features::kAnalysisRate);
    throw Failure(ErrorKind::too_short, reason);
  }
}

void require_finite(const Fingerprint& fp) {
  for (double v : fp.values) {
    if (!std::isfinite(v)) throw std::logic_error("a dimension came out non-finite");
  }
}

}  // namespace

Fingerprint fingerprint_of(const SignalBuilder& signal, int threads, Trace* trace) {
  const std::vector<float>& y = signal.y();
  require_length(y.size());
  // The families that read only y's samples run beside the STFT when a second thread is allowed.
  // Every family writes only its own elements of fp.values (distinct objects, so no race), and
  // each dimension is computed by the same code either way: the output is byte-identical for
  // any thread count. fp is declared first so that it outlives the side thread's future, whose
  // destructor waits for it even when the code below throws.
  Fingerprint fp;
  const auto measure_samples = [&y, &fp, trace] {
    SampleFamilies samples;
    samples.trace_into(trace);
    samples.push(y);
    samples.finish(fp);
  };
  std::future<void> side;
  if (threads > 1) {
    side = std::async(std::launch::async, measure_samples);
  } else {
    measure_samples();
  }
  fp[Dim::lufs] = signal.lufs();
  StftFamilies stft(StftFamilies::Pass::one, y.size());
  stft.trace_into(trace);
  stft.push(y);
  stft.finish(fp);
  features::ChromaFamily chroma(stft.tuning());
  chroma.trace_into(trace);
  chroma.push(y);
  chroma.finish(fp);
  signal.stereo().finish(fp);
  if (side.valid()) side.get();  // rethrows what the side thread threw
  require_finite(fp);
  if (trace != nullptr) signal.write_loudness(*trace);
  return fp;
}

namespace {

// Decodes `path` into `signal`, which hands y on or keeps it.
void decode_into(io::Decoder& decoder, SignalBuilder& signal) {
  std::vector<std::vector<float>> block;
  while (decoder.next_block(block)) signal.add(block);
  signal.finish();
}

// Feeds y's blocks to `consume` on a thread of its own, in order, through a bounded queue, so
// that a second core can share a streamed track. The consumer gets exactly the blocks it would
// get inline, so the result does not change.
class BlockPipe {
 public:
  explicit BlockPipe(std::function<void(std::span<const float>)> consume)
      : consume_(std::move(consume)), thread_([this] { run(); }) {}
  BlockPipe(const BlockPipe&) = delete;
  BlockPipe& operator=(const BlockPipe&) = delete;
  ~BlockPipe() {
    close();
    if (thread_.joinable()) thread_.join();
  }

  void push(std::span<const float> y) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [this] { return queue_.size() < kDepth; });
    queue_.emplace_back(y.begin(), y.end());
    ready_.notify_one();
  }
  // Waits for the consumer to take every block; rethrows what it threw.
  void finish() {
    close();
    thread_.join();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  static constexpr std::size_t kDepth = 16;
  void close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_one();
  }
  void run() {
    for (;;) {
      std::vector<float> block;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return closed_ || !queue_.empty(); });
        if (queue_.empty()) return;  // closed and drained
        block = std::move(queue_.front());
        queue_.pop_front();
        space_.notify_one();
      }
      if (error_) continue;  // drain, so that the producer never waits forever
      try {
        consume_(block);
      } catch (...) {
        error_ = std::current_exception();  // read by finish() after join()
      }
    }
  }

  std::function<void(std::span<const float>)> consume_;
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<std::vector<float>> queue_;
  bool closed_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: it starts once everything it uses exists
};

// y streamed twice: first to everything but HPSS (which needs len(y) first), the onset envelope
// (which needs the mel peak) and the chroma (which needs the tuning), then to those three. With
// threads > 1 the sample families, then the chroma, take their blocks on a second thread.
Fingerprint fingerprint_streamed(const std::string& path, io::Decoder& decoder, int threads,
                                 double max_duration_s, Trace* trace) {
  const io::StreamInfo& info = decoder.info();
  Fingerprint fp;
  SampleFamilies samples;
  samples.trace_into(trace);
  StftFamilies first(StftFamilies::Pass::first_of_two);
  first.trace_into(trace);
  SignalBuilder signal(info.sample_rate, info.speakers, SignalBuilder::Parts::all, trace);
  {
    std::optional<BlockPipe> side;
    if (threads > 1) side.emplace([&samples](std::span<const float> y) { samples.push(y); });
    signal.stream_y([&](std::span<const float> y) {
      if (side) {
        side->push(y);
      } else {
        samples.push(y);
      }
      first.push(y);
    });
    decode_into(decoder, signal);
    if (side) side->finish();
  }
  const std::size_t n = signal.y_length();
  require_length(n);
  samples.finish(fp);
  first.finish(fp);
  fp[Dim::lufs] = signal.lufs();
  signal.stereo().finish(fp);

  StftFamilies second(StftFamilies::Pass::second_of_two, n, first.mel_peak_db());
  second.trace_into(trace);
  features::ChromaFamily chroma(first.tuning());
  chroma.trace_into(trace);
  SignalBuilder again(info.sample_rate, info.speakers, SignalBuilder::Parts::y_only);
  {
    std::optional<BlockPipe> side;
    if (threads > 1) side.emplace([&chroma](std::span<const float> y) { chroma.push(y); });
    again.stream_y([&](std::span<const float> y) {
      second.push(y);
      if (side) {
        side->push(y);
      } else {
        chroma.push(y);
      }
    });
    io::Decoder second_decoder(path, max_duration_s);
    decode_into(second_decoder, again);
    if (side) side->finish();
  }
  if (again.y_length() != n) {
    throw Failure(ErrorKind::io, "the file changed while it was being analysed");
  }
  second.finish(fp);
  chroma.finish(fp);
  require_finite(fp);
  if (trace != nullptr) signal.write_loudness(*trace);
  fp.duration_s = static_cast<double>(signal.native_frames()) / info.sample_rate;
  return fp;
}

}  // namespace

Fingerprint fingerprint_file(const std::string& path, int threads, Route route,
                             double max_duration_s, Trace* trace) {
  io::Decoder decoder(path, max_duration_s);
  const io::StreamInfo info = decoder.info();
  // A pipe or device cannot be read twice: it is held whatever its length.
  std::error_code ec;
  const bool rereadable = std::filesystem::is_regular_file(path, ec);
  const bool hold = route == Route::by_length
                        ? !rereadable || (info.declared_duration_s > 0 &&
                                          info.declared_duration_s <= kHoldSignalSeconds)
                        : route == Route::held;
  Fingerprint fp;
  if (hold) {
    SignalBuilder signal(info.sample_rate, info.speakers, SignalBuilder::Parts::all, trace);
    decode_into(decoder, signal);
    fp = fingerprint_of(signal, threads, trace);
    fp.duration_s = static_cast<double>(signal.native_frames()) / info.sample_rate;
  } else {
    fp = fingerprint_streamed(path, decoder, threads, max_duration_s, trace);
  }
  fp.sample_rate = info.sample_rate;
  fp.channels = info.channels;
  fp.codec = info.codec;
  return fp;
}

}  // namespace trackprint::analysis

namespace trackprint {

std::string_view engine_version() {
  return kEngineVersion;
}

namespace {
void check_options(const AnalysisOptions& options) {
  if (!(options.max_duration_s > 0))
    throw Failure(ErrorKind::invalid_input, "max_duration_s must be more than 0");
}

// Every public entry point: a Failure becomes an Error of its kind, anything else `internal`.
template <class F>
Result<Fingerprint> guarded(const std::string& path, F&& analyse) {
  try {
    return analyse();
  } catch (const Failure& f) {
    return Error{f.kind(), path, f.reason()};
  } catch (const std::bad_alloc&) {
    return Error{ErrorKind::io, path, "out of memory"};
  } catch (const std::exception& e) {
    return Error{ErrorKind::internal, path, std::string("internal error: ") + e.what()};
  }
}

// A trace's series are replaced; what it asks for is kept.
void clear(Trace& trace) {
  const std::size_t columns = trace.max_spectrogram_columns;
  trace = Trace();
  trace.max_spectrogram_columns = columns;
}

Fingerprint fingerprint_of_samples(std::span<const std::span<const float>> channels,
                                   int sample_rate, const AnalysisOptions& options, Trace* trace) {
  check_options(options);
  if (channels.empty()) throw Failure(ErrorKind::invalid_input, "no channels");
  if (channels.size() > static_cast<std::size_t>(kMaxChannels)) {
    throw Failure(ErrorKind::invalid_input, std::to_string(channels.size()) +
                                                " channels; trackprint reads 1 to " +
                                                std::to_string(kMaxChannels));
  }
  if (sample_rate < kMinSampleRate || sample_rate > kMaxSampleRate) {
    throw Failure(ErrorKind::invalid_input,
                  "sample rate out of range: " + std::to_string(sample_rate) + " (" +
                      std::to_string(kMinSampleRate) + " to " + std::to_string(kMaxSampleRate) +
                      " Hz)");
  }
  if (static_cast<double>(channels[0].size()) > options.max_duration_s * sample_rate) {
    throw Failure(ErrorKind::too_long,
                  "longer than the limit of " + std::to_string(options.max_duration_s) + " s");
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
  analysis::SignalBuilder signal(sample_rate, speakers, analysis::SignalBuilder::Parts::all, trace);
  std::vector<std::span<const float>> block(channels.size());
  const std::size_t total = channels[0].size();
  for (std::size_t start = 0; start < total; start += analysis::kSamplesBlock) {
    const std::size_t n = std::min(analysis::kSamplesBlock, total - start);
    for (std::size_t c = 0; c < channels.size(); ++c) block[c] = channels[c].subspan(start, n);
    signal.add(block);
  }
  signal.finish();
  Fingerprint fp = analysis::fingerprint_of(signal, options.threads, trace);
  fp.sample_rate = sample_rate;
  fp.channels = static_cast<int>(channels.size());
  fp.duration_s = static_cast<double>(total) / sample_rate;
  return fp;
}

}  // namespace

Result<Fingerprint> analyze_file(const std::string& path, const AnalysisOptions& options) {
  return guarded(path, [&] {
    check_options(options);
    return analysis::fingerprint_file(path, options.threads, analysis::Route::by_length,
                                      options.max_duration_s);
  });
}

Result<Fingerprint> analyze_file(const std::string& path, const AnalysisOptions& options,
                                 Trace& trace) {
  clear(trace);
  return guarded(path, [&] {
    check_options(options);
    return analysis::fingerprint_file(path, options.threads, analysis::Route::by_length,
                                      options.max_duration_s, &trace);
  });
}

Result<Fingerprint> analyze_samples(std::span<const std::span<const float>> channels,
                                    int sample_rate, const AnalysisOptions& options) {
  return guarded("",
                 [&] { return fingerprint_of_samples(channels, sample_rate, options, nullptr); });
}

Result<Fingerprint> analyze_samples(std::span<const std::span<const float>> channels,
                                    int sample_rate, const AnalysisOptions& options, Trace& trace) {
  clear(trace);
  return guarded("",
                 [&] { return fingerprint_of_samples(channels, sample_rate, options, &trace); });
}

}  // namespace trackprint
