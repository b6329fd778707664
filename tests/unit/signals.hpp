// Synthetic test signals at the analysis rate, shared by the unit tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <vector>

#include "dsp/stft.hpp"
#include "features/analysis_input.hpp"

namespace trackprint::test {

inline std::vector<float> sine(double freq, double seconds, double sr = 22050.0, double amp = 0.5) {
  const auto n = static_cast<std::size_t>(seconds * sr);
  std::vector<float> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = static_cast<float>(
        amp * std::sin(2.0 * std::numbers::pi * freq * static_cast<double>(i) / sr));
  }
  return y;
}

// Deterministic white noise in [-amp, amp] (xorshift, so every platform gets the same samples).
inline std::vector<float> white_noise(std::size_t n, double amp = 0.5, std::uint64_t seed = 42) {
  std::vector<float> y(n);
  std::uint64_t s = seed;
  for (auto& v : y) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    v = static_cast<float>(amp * (static_cast<double>(s >> 11) / 9007199254740992.0 * 2.0 - 1.0));
  }
  return y;
}

// Clicks (short decaying noise bursts) at `bpm`, starting at `offset_s`.
inline std::vector<float> click_track(double bpm, double seconds, double sr = 22050.0,
                                      double offset_s = 0.1) {
  std::vector<float> y(static_cast<std::size_t>(seconds * sr), 0.0f);
  const std::vector<float> burst = white_noise(static_cast<std::size_t>(0.02 * sr), 0.9, 7);
  for (double t = offset_s; t < seconds; t += 60.0 / bpm) {
    const auto start = static_cast<std::size_t>(t * sr);
    for (std::size_t i = 0; i < burst.size() && start + i < y.size(); ++i) {
      const double decay = std::exp(-static_cast<double>(i) / (0.004 * sr));
      y[start + i] += static_cast<float>(static_cast<double>(burst[i]) * decay);
    }
  }
  return y;
}

// The signal of the librosa reference vectors in test_spectral and test_temporal: a 440 Hz tone
// struck every 0.5 s (decaying over 20 ms) over a quiet 3 kHz tone, 6 s at 22050 Hz. numpy:
//   sr = 22050; n = np.arange(int(6 * sr)); P = int(0.5 * sr)
//   y = (0.5 * np.sin(2 * np.pi * 440 * n / sr) * np.exp(-(n % P) / (0.02 * sr))
//        + 0.05 * np.sin(2 * np.pi * 3000 * n / sr)).astype(np.float32)
inline std::vector<float> reference_signal() {
  const double sr = 22050.0;
  const auto n_samples = static_cast<std::size_t>(6 * sr);
  const std::size_t period = static_cast<std::size_t>(0.5 * sr);
  std::vector<float> y(n_samples);
  for (std::size_t i = 0; i < n_samples; ++i) {
    const auto n = static_cast<double>(i);
    y[i] = static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * 440 * n / sr) *
                                  std::exp(-static_cast<double>(i % period) / (0.02 * sr)) +
                              0.05 * std::sin(2 * std::numbers::pi * 3000 * n / sr));
  }
  return y;
}

// The signal of the librosa reference values in test_hpss and test_yin: a 220.5 Hz sawtooth
// (period 100 samples) with 256-sample noise bursts every 5512 samples; exact in double
// arithmetic, so numpy builds the same float32 samples:
//   i = np.arange(n); noise = white_noise(n)   # the xorshift above, amp 0.5, seed 42
//   y = (0.3 * ((i % 100) / 100.0 - 0.5)
//        + np.where(i % 5512 < 256, noise.astype(np.float64), 0.0)).astype(np.float32)
inline std::vector<float> saw_with_bursts(std::size_t n) {
  const std::vector<float> noise = white_noise(n);
  std::vector<float> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double saw = 0.3 * (static_cast<double>(i % 100) / 100.0 - 0.5);
    y[i] = static_cast<float>(saw + (i % 5512 < 256 ? static_cast<double>(noise[i]) : 0.0));
  }
  return y;
}

// A signal with its shared STFT and magnitude, as the families that read the STFT are fed.
struct Analysed {
  std::vector<float> y;
  dsp::Spectrogram stft;
  std::vector<float> magnitude;

  features::AnalysisInput input() const { return {y, stft, magnitude}; }
  std::span<const float> frame(std::size_t t) const {
    return std::span<const float>(magnitude).subspan(t * stft.n_bins, stft.n_bins);
  }
};

inline Analysed analysed(std::vector<float> y) {
  Analysed a{std::move(y), {}, {}};
  a.stft = dsp::stft(a.y, features::kFftSize, features::kHop, true);
  a.magnitude = dsp::magnitude(a.stft);
  return a;
}

// A 16-bit PCM WAV file of interleaved stereo samples.
inline void write_wav(const std::filesystem::path& path, const std::vector<float>& left,
                      const std::vector<float>& right, int rate) {
  std::ofstream out(path, std::ios::binary);
  const auto u32 = [&out](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  const auto u16 = [&out](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  const auto data_bytes = static_cast<std::uint32_t>(left.size() * 4);
  out.write("RIFF", 4);
  u32(36 + data_bytes);
  out.write("WAVEfmt ", 8);
  u32(16);
  u16(1);  // PCM
  u16(2);
  u32(static_cast<std::uint32_t>(rate));
  u32(static_cast<std::uint32_t>(rate * 4));
  u16(4);
  u16(16);
  out.write("data", 4);
  u32(data_bytes);
  for (std::size_t i = 0; i < left.size(); ++i) {
    for (float v : {left[i], right[i]}) {
      u16(static_cast<std::uint16_t>(
          static_cast<std::int16_t>(std::clamp(v, -1.0f, 1.0f) * 32767.0f)));
    }
  }
}

}  // namespace trackprint::test
