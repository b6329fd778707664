// A program outside trackprint's build that uses the installed library (tests/consumer/run).
// It writes a known tone as a WAV file, fingerprints it through the public API (file, samples,
// a Library store) and checks the values a stereo 1 kHz sine at -23 dBFS must give.
//
//   consumer WORK_DIR EXPECTED_VERSION     (exit 0: every check passed)
#include <trackprint/library.hpp>
#include <trackprint/trackprint.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <span>
#include <string>
#include <vector>

namespace {

constexpr int kRate = 44100;
constexpr int kSeconds = 5;
constexpr double kToneHz = 1000.0;
constexpr double kDbfs = -23.0;

int failures = 0;

void check(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++failures;
}

void check_near(const char* name, double value, double expected, double tolerance) {
  char line[160];
  std::snprintf(line, sizeof line, "%-18s %12.6f  (expected %g +- %g)", name, value, expected,
                tolerance);
  check(std::fabs(value - expected) <= tolerance, line);
}

// The same sine in both channels, as float samples and as a 16-bit PCM WAV file.
std::vector<float> tone() {
  std::vector<float> y(static_cast<std::size_t>(kRate) * kSeconds);
  const double amplitude = std::pow(10.0, kDbfs / 20.0);
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] = static_cast<float>(
        amplitude * std::sin(2.0 * std::numbers::pi * kToneHz * static_cast<double>(i) / kRate));
  }
  return y;
}

void put(std::ofstream& out, std::uint32_t value, int bytes) {  // little-endian, as RIFF wants
  for (int b = 0; b < bytes; ++b) out.put(static_cast<char>((value >> (8 * b)) & 0xff));
}

void write_wav(const std::string& path, const std::vector<float>& y) {
  const std::uint32_t channels = 2;
  const std::uint32_t data_bytes = static_cast<std::uint32_t>(y.size()) * channels * 2;
  std::ofstream out(path, std::ios::binary);
  out.write("RIFF", 4);
  put(out, 36 + data_bytes, 4);
  out.write("WAVEfmt ", 8);
  put(out, 16, 4);                    // fmt chunk size
  put(out, 1, 2);                     // PCM
  put(out, channels, 2);              //
  put(out, kRate, 4);                 //
  put(out, kRate * channels * 2, 4);  // bytes per second
  put(out, channels * 2, 2);          // bytes per frame
  put(out, 16, 2);                    // bits per sample
  out.write("data", 4);
  put(out, data_bytes, 4);
  for (float v : y) {
    const auto s = static_cast<std::int16_t>(std::lround(v * 32767.0f));
    for (std::uint32_t c = 0; c < channels; ++c) put(out, static_cast<std::uint16_t>(s), 2);
  }
}

// What the spec makes of this tone, whichever way it reaches the engine.
void check_tone(const trackprint::Fingerprint& fp) {
  using trackprint::Dim;
  // EBU Tech 3341 case 1: a stereo 1 kHz sine at -23 dBFS reads -23.0 LUFS.
  check_near("lufs", fp[Dim::lufs], kDbfs, 0.1);
  // A pure tone's spectral centroid is its frequency (the dimension is scaled by 8 kHz).
  check_near("spectral_centroid", fp[Dim::spectral_centroid] * 8000.0, kToneHz, 15.0);
  // 1 kHz lies in the mid band, [500, 2000) Hz: all the energy but the window's leakage.
  check_near("mid_pct", fp[Dim::mid_pct], 1.0, 0.01);
  check_near("silence_ratio", fp[Dim::silence_ratio], 0.0, 0.0);
  // Identical channels: no side signal, perfectly correlated.
  check_near("stereo_width", fp[Dim::stereo_width], 0.0, 1e-9);
  check_near("phase_correlation", fp[Dim::phase_correlation], 1.0, 1e-9);
  check_near("duration_s", fp.duration_s, kSeconds, 1e-9);
  check(fp.sample_rate == kRate && fp.channels == 2, "sample_rate 44100, 2 channels");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: consumer WORK_DIR EXPECTED_VERSION\n");
    return 2;
  }
  const std::filesystem::path work = argv[1];
  const std::string wav = (work / "music" / "tone.wav").string();
  std::filesystem::create_directories(work / "music");
  const std::vector<float> y = tone();
  write_wav(wav, y);

  check(trackprint::engine_version() == argv[2],
        "engine_version " + std::string(trackprint::engine_version()));
  check(trackprint::dimension_named("lufs") == trackprint::Dim::lufs, "dimension_named(\"lufs\")");

  std::printf("-- analyze_file(%s)\n", wav.c_str());
  const auto file = trackprint::analyze_file(wav);
  check(file.ok(), file.ok() ? "analysed" : file.error().message());
  if (!file.ok()) return 1;
  check_tone(file.value());
  check(file.value().codec == "pcm_s16le", "codec " + file.value().codec);

  std::printf("-- analyze_samples (the same tone as float, 2 channels)\n");
  const std::vector<std::span<const float>> channels{y, y};
  const auto samples = trackprint::analyze_samples(channels, kRate);
  check(samples.ok(), samples.ok() ? "analysed" : samples.error().message());
  if (samples.ok()) check_tone(samples.value());

  std::printf("-- analyze_file of a missing file\n");
  const std::string missing = (work / "missing.wav").string();
  const auto error = trackprint::analyze_file(missing);
  check(!error.ok() && error.error().kind == trackprint::ErrorKind::io &&
            error.error().message().find(missing) != std::string::npos,
        error.ok() ? "no error" : "error: " + error.error().message());

  std::printf("-- Library: scan the folder into a store, read the track back\n");
  auto library = trackprint::Library::open((work / "library.db").string());
  check(library.ok(), library.ok() ? "store opened" : library.error().message());
  if (!library.ok()) return 1;
  const trackprint::ScanSummary summary = library.value().scan({(work / "music").string()});
  check(summary.found == 1 && summary.analysed == 1 && summary.failed == 0 && !summary.store_error,
        "scan: found " + std::to_string(summary.found) + ", analysed " +
            std::to_string(summary.analysed));
  const auto tracks = library.value().tracks();
  check(tracks.ok() && tracks.value().size() == 1 && tracks.value()[0].fingerprint &&
            tracks.value()[0].fingerprint->values == file.value().values,
        "the stored fingerprint is analyze_file's, bit for bit");
  check(tracks.ok() && tracks.value().size() == 1 &&
            trackprint::to_string(tracks.value()[0].status) == "analysed",
        "status analysed");

  if (failures > 0) {
    std::printf("consumer: %d checks failed\n", failures);
    return 1;
  }
  std::printf("consumer: all checks passed\n");
  return 0;
}
