#include "analysis/analyze.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "dsp/resample.hpp"
#include "dsp/stft.hpp"
#include "features/families.hpp"
#include "io/loudness.hpp"
#include "trackprint/trackprint.hpp"
#include "trackprint/version.hpp"

namespace trackprint::analysis {
constexpr std::size_t kMinimumSamples = 11025;  // 0.5 s at 22050 Hz (spec §1.4)

void require_finite(std::span<const std::vector<float>> channels) {
  for (const auto& ch : channels) {
    for (float v : ch) {
      if (!std::isfinite(v))
        throw Failure(ErrorKind::invalid_input, "the audio holds NaN or infinite samples");
    }
  }
}

// librosa.to_mono: numpy's float32 mean over the channel axis adds the channels in order, then
// divides by their count, in float32.
static std::vector<float> mono_mix(std::span<const std::vector<float>> channels) {
  std::vector<float> mono(channels[0]);
  for (std::size_t c = 1; c < channels.size(); ++c) {
    for (std::size_t i = 0; i < mono.size(); ++i) mono[i] += channels[c][i];
  }
  if (channels.size() > 1) {
    const auto count = static_cast<float>(channels.size());
    for (float& v : mono) v /= count;
  }
  return mono;
}

DecodedTrack decode_track(const std::string& path) {
  io::Decoder decoder(path);
  DecodedTrack track;
  track.info = decoder.info();
  track.channels.resize(static_cast<std::size_t>(track.info.channels));
  io::LoudnessMeter meter(track.info.sample_rate, track.info.speakers);
  std::vector<std::vector<float>> block;
  while (decoder.next_block(block)) {
    meter.add(block);
    for (std::size_t c = 0; c < block.size(); ++c) {
      track.channels[c].insert(track.channels[c].end(), block[c].begin(), block[c].end());
    }
  }
  require_finite(track.channels);
  track.lufs = meter.integrated_lufs();
  return track;
}

AnalysisSignal make_analysis_signal(std::span<const std::vector<float>> channels, int sample_rate) {
  constexpr double kRate = features::kAnalysisRate;
  AnalysisSignal s;
  const auto sr0 = static_cast<double>(sample_rate);
  s.y = dsp::resample(mono_mix(channels), sr0, kRate);
  if (channels.size() >= 2) {
    s.left = dsp::resample(channels[0], sr0, kRate);
    s.right = dsp::resample(channels[1], sr0, kRate);
  }
  return s;
}

Fingerprint fingerprint_of(const AnalysisSignal& signal, double lufs) {
  if (signal.y.size() < kMinimumSamples) {
    char reason[96];
    std::snprintf(reason, sizeof reason, "too short: %.2f s of audio, at least 0.5 s needed",
                  static_cast<double>(signal.y.size()) / features::kAnalysisRate);
    throw Failure(ErrorKind::too_short, reason);
  }
  const dsp::Spectrogram stft = dsp::stft(signal.y, features::kFftSize, features::kHop, true);
  const std::vector<float> magnitude = dsp::magnitude(stft);
  const features::AnalysisInput in{signal.y, signal.left, signal.right, stft, magnitude};

  Fingerprint fp;
  fp[Dim::lufs] = lufs;
  const features::BandEnergies bands = features::band_energies(signal.y);
  features::measure_frequency(bands, fp);
  features::measure_dynamics(in, bands, fp);
  features::measure_temporal(in, fp);
  features::measure_spectral(in, fp);
  features::measure_harmonic(in, fp);
  features::measure_variation(in, fp);
  features::measure_stereo(in, fp);
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

Result<Fingerprint> analyze_file(const std::string& path) {
  try {
    analysis::DecodedTrack track = analysis::decode_track(path);
    const analysis::AnalysisSignal signal =
        analysis::make_analysis_signal(track.channels, track.info.sample_rate);
    Fingerprint fp = analysis::fingerprint_of(signal, track.lufs);
    fp.sample_rate = track.info.sample_rate;
    fp.channels = track.info.channels;
    fp.codec = track.info.codec;
    fp.duration_s = static_cast<double>(track.channels[0].size()) / track.info.sample_rate;
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
                                    int sample_rate) {
  try {
    if (channels.empty()) throw Failure(ErrorKind::invalid_input, "no channels");
    if (sample_rate < 1000 || sample_rate > 768000) {
      throw Failure(ErrorKind::invalid_input,
                    "sample rate out of range: " + std::to_string(sample_rate));
    }
    std::vector<std::vector<float>> planar;
    for (const auto& ch : channels) {
      if (ch.size() != channels[0].size())
        throw Failure(ErrorKind::invalid_input, "channels differ in length");
      planar.emplace_back(ch.begin(), ch.end());
    }
    analysis::require_finite(planar);
    std::vector<io::Speaker> speakers;
    for (std::size_t c = 0; c < planar.size(); ++c) {
      speakers.push_back(c == 0   ? io::Speaker::front_left
                         : c == 1 ? io::Speaker::front_right
                                  : io::Speaker::other);
    }
    io::LoudnessMeter meter(sample_rate, speakers);
    meter.add(planar);
    const analysis::AnalysisSignal signal = analysis::make_analysis_signal(planar, sample_rate);
    Fingerprint fp = analysis::fingerprint_of(signal, meter.integrated_lufs());
    fp.sample_rate = sample_rate;
    fp.channels = static_cast<int>(planar.size());
    fp.duration_s = static_cast<double>(planar[0].size()) / sample_rate;
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
