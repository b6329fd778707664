// Per-stage micro-benchmarks (Google Benchmark) on real tracks of the corpus.
//
//   build/release/bench/micro_stages [--benchmark_filter=REGEX] [google benchmark flags]
//
// Tracks: $TRACKPRINT_BENCH_TRACKS (comma-separated, absolute or relative to the corpus), else
// flac/fof_armygeddon.flac and flac/wes_loyalists.flac, looked up in $TRACKPRINT_CORPUS, else in
// ~/.cache/trackprint-corpus then ~/.cache/trackprint-corpus-bench; missing ones are skipped. Each
// track is decoded once, and its 22050 Hz signal, STFT and |STFT| cached, before its first
// benchmark; only the stage itself is timed. Every benchmark reports x_realtime: seconds of audio
// per second of CPU time.
//
// Each benchmark is one small function over the engine's internal API as it stands, so that
// when an API changes only that function needs updating.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analysis/routes.hpp"
#include "decoded_track.hpp"
#include "dsp/beat.hpp"
#include "dsp/chroma.hpp"
#include "dsp/cqt.hpp"
#include "dsp/hpss.hpp"
#include "dsp/istft.hpp"
#include "dsp/lane_median.hpp"
#include "dsp/loudness.hpp"
#include "dsp/median_filter.hpp"
#include "dsp/onset.hpp"
#include "dsp/resample.hpp"
#include "dsp/rms.hpp"
#include "dsp/spectral.hpp"
#include "dsp/stft.hpp"
#include "dsp/tempo.hpp"
#include "dsp/tuning.hpp"
#include "dsp/yin.hpp"
#include "features/families.hpp"
#include "io/decoder.hpp"

namespace {

namespace tp = trackprint;
namespace dsp = trackprint::dsp;
namespace features = trackprint::features;

constexpr double kSr = features::kAnalysisRate;
constexpr std::size_t kNfft = features::kFftSize;
constexpr std::size_t kHop = features::kHop;

// One decoded track and everything derived from it that a stage takes as input.
struct Track {
  std::string path;
  tp::io::StreamInfo info;
  std::vector<std::vector<float>> channels;  // the file's rate
  double seconds = 0;                        // of audio
  std::vector<float> y;                      // the mono mix at 22050 Hz (spec §1.3)
  std::vector<float> left, right;            // channels 0 and 1 at 22050 Hz (stereo files)
  dsp::Spectrogram stft;
  std::vector<float> magnitude;
  std::vector<float> onset;  // onset strength envelope
  double bpm = 0;
  double tuning = 0;
};

features::AnalysisInput input(const Track& t) {
  return {t.y, t.stft, t.magnitude};
}

std::vector<float> mono_mix(const std::vector<std::vector<float>>& channels) {
  std::vector<float> mono(channels[0]);
  for (std::size_t c = 1; c < channels.size(); ++c) {
    for (std::size_t i = 0; i < mono.size(); ++i) mono[i] += channels[c][i];
  }
  const auto count = static_cast<float>(channels.size());
  if (channels.size() > 1) {
    for (float& v : mono) v /= count;
  }
  return mono;
}

// Loaded on first use, kept for the whole run.
const Track& track(const std::string& path) {
  static std::map<std::string, std::unique_ptr<Track>> cache;
  auto& slot = cache[path];
  if (!slot) {
    auto t = std::make_unique<Track>();
    t->path = path;
    t->channels = tp::bench::decode_whole(path, t->info);
    t->seconds = static_cast<double>(t->channels[0].size()) / t->info.sample_rate;
    t->y = dsp::resample(mono_mix(t->channels), t->info.sample_rate, kSr);
    if (t->channels.size() >= 2) {
      t->left = dsp::resample(t->channels[0], t->info.sample_rate, kSr);
      t->right = dsp::resample(t->channels[1], t->info.sample_rate, kSr);
    }
    t->stft = dsp::stft(t->y, kNfft, kHop, true);
    t->magnitude = dsp::magnitude(t->stft);
    t->onset = dsp::onset_strength(t->magnitude, t->stft.n_frames);
    t->bpm = dsp::tempo(t->onset);
    t->tuning = dsp::estimate_tuning(t->magnitude, t->stft.n_frames, kNfft, kSr, 36);
    slot = std::move(t);
  }
  return *slot;
}

std::vector<std::span<const float>> spans(const std::vector<std::vector<float>>& channels) {
  return {channels.begin(), channels.end()};
}

void set_rate(benchmark::State& state, const Track& t) {
  state.counters["x_realtime"] = benchmark::Counter(
      t.seconds * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["audio_s"] = t.seconds;
}

// ---- io -----------------------------------------------------------------------------------

void decode_file(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    tp::io::StreamInfo info;
    auto channels = tp::bench::decode_whole(t.path, info);
    benchmark::DoNotOptimize(channels.data());
  }
}

void loudness(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    tp::dsp::LoudnessMeter meter(t.info.sample_rate,
                                 tp::analysis::loudness_channels(t.info.speakers));
    meter.add(spans(t.channels));
    double lufs = meter.integrated_lufs();
    benchmark::DoNotOptimize(lufs);
  }
}

// ---- analysis signal ----------------------------------------------------------------------

void resample_mono(benchmark::State& state, const Track& t) {
  const std::vector<float> mono = mono_mix(t.channels);
  for (auto _ : state) {
    auto y = dsp::resample(mono, t.info.sample_rate, kSr);
    benchmark::DoNotOptimize(y.data());
  }
}

// ---- transforms ---------------------------------------------------------------------------

void stft(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    auto s = dsp::stft(t.y, kNfft, kHop, true);
    benchmark::DoNotOptimize(s.data.data());
  }
}

void stft_magnitude(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    auto m = dsp::magnitude(t.stft);
    benchmark::DoNotOptimize(m.data());
  }
}

void istft(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    auto y = dsp::istft(t.stft, kHop, t.y.size(), true);
    benchmark::DoNotOptimize(y.data());
  }
}

// ---- HPSS ---------------------------------------------------------------------------------

constexpr std::size_t kHpssRadius = 15;  // librosa kernel_size=31

// |S| in rows of whole 16-lane groups (zero padded), as HPSS keeps it.
std::vector<float> padded_rows(const Track& t, std::size_t padded) {
  const std::size_t nb = t.stft.n_bins;
  std::vector<float> rows(t.stft.n_frames * padded, 0.0f);
  for (std::size_t f = 0; f < t.stft.n_frames; ++f) {
    std::copy_n(t.magnitude.data() + f * nb, nb, rows.data() + f * padded);
  }
  return rows;
}

// Harmonic filter: median across time (31 frames) of every bin, 16 bins a lane group, as
// HpssEnergyAccumulator runs dsp::lane_median_steps (here in one call for the whole track).
void median_time(benchmark::State& state, const Track& t) {
  const std::size_t nf = t.stft.n_frames;
  const std::size_t groups = (t.stft.n_bins + dsp::kLaneWidth - 1) / dsp::kLaneWidth;
  const std::size_t padded = groups * dsp::kLaneWidth;
  const std::vector<float> mag = padded_rows(t, padded);
  const std::vector<float> inf(padded, std::numeric_limits<float>::infinity());
  std::vector<float> out(nf * padded), st(groups * dsp::kLaneGroupState);
  std::vector<const float*> leave, enter;
  std::vector<float*> outs;
  const auto r = static_cast<std::ptrdiff_t>(dsp::kLaneRadius);
  for (std::ptrdiff_t j = -r; j <= r; ++j) {  // load frame 0's window (reflected)
    leave.push_back(inf.data());
    enter.push_back(mag.data() + dsp::reflect_index(j, nf) * padded);
    outs.push_back(nullptr);
  }
  outs.back() = out.data();
  for (std::size_t f = 1; f < nf; ++f) {
    const auto fs = static_cast<std::ptrdiff_t>(f);
    leave.push_back(mag.data() + dsp::reflect_index(fs - 1 - r, nf) * padded);
    enter.push_back(mag.data() + dsp::reflect_index(fs + r, nf) * padded);
    outs.push_back(out.data() + f * padded);
  }
  for (auto _ : state) {
    dsp::lane_median_clear(st.data(), groups);
    dsp::lane_median_steps(st.data(), groups, leave.size(), leave.data(), enter.data(),
                           outs.data());
    benchmark::DoNotOptimize(out.data());
  }
}

// Percussive filter: median across frequency (31 bins) of every frame, 16 frames a lane group
// sliding along the bins. Only the lane kernel is timed: the frames are transposed to lanes
// (reflected edges included) beforehand, which HPSS does per batch with SIMD transposes.
void median_freq(benchmark::State& state, const Track& t) {
  const std::size_t nb = t.stft.n_bins;
  const std::size_t batches = (t.stft.n_frames + dsp::kLaneWidth - 1) / dsp::kLaneWidth;
  const std::size_t steps = nb + 2 * dsp::kLaneRadius;
  const auto r = static_cast<std::ptrdiff_t>(dsp::kLaneRadius);
  std::vector<float> lanes(batches * steps * dsp::kLaneWidth, 0.0f);
  for (std::size_t f = 0; f < t.stft.n_frames; ++f) {
    float* batch = lanes.data() + (f / dsp::kLaneWidth) * steps * dsp::kLaneWidth;
    for (std::size_t p = 0; p < steps; ++p) {
      const std::size_t bin = dsp::reflect_index(static_cast<std::ptrdiff_t>(p) - r, nb);
      batch[p * dsp::kLaneWidth + f % dsp::kLaneWidth] = t.magnitude[f * nb + bin];
    }
  }
  const std::vector<float> inf(dsp::kLaneWidth, std::numeric_limits<float>::infinity());
  std::vector<float> out(batches * nb * dsp::kLaneWidth), st(dsp::kLaneGroupState);
  std::vector<const float*> leave(steps), enter(steps);
  std::vector<float*> outs(steps);
  for (auto _ : state) {
    for (std::size_t b = 0; b < batches; ++b) {
      const float* in = lanes.data() + b * steps * dsp::kLaneWidth;
      for (std::size_t k = 0; k < steps; ++k) {
        const bool loading = k < dsp::kLaneWindow;
        leave[k] = loading ? inf.data() : in + (k - dsp::kLaneWindow) * dsp::kLaneWidth;
        enter[k] = in + k * dsp::kLaneWidth;
        outs[k] = k + 1 < dsp::kLaneWindow
                      ? nullptr
                      : out.data() + (b * nb + k + 1 - dsp::kLaneWindow) * dsp::kLaneWidth;
      }
      dsp::lane_median_clear(st.data(), 1);
      dsp::lane_median_steps(st.data(), 1, steps, leave.data(), enter.data(), outs.data());
    }
    benchmark::DoNotOptimize(out.data());
  }
}

void hpss_energy(benchmark::State& state, const Track& t) {  // both filters, the mask, 1 istft
  for (auto _ : state) {
    auto e = dsp::hpss_energy(t.stft, t.magnitude, kHop, t.y);
    benchmark::DoNotOptimize(e);
  }
}

// ---- pitch, tuning, CQT -------------------------------------------------------------------

const double kC2 = 440.0 * std::pow(2.0, (36.0 - 69.0) / 12.0);
const double kC7 = 440.0 * std::pow(2.0, (96.0 - 69.0) / 12.0);

void yin(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    auto f0 = dsp::yin(t.y, kSr, kC2, kC7, kNfft, kHop);
    benchmark::DoNotOptimize(f0.data());
  }
}

void tuning(benchmark::State& state, const Track& t) {  // piptrack on |S|
  for (auto _ : state) {
    double tun = dsp::estimate_tuning(t.magnitude, t.stft.n_frames, kNfft, kSr, 36);
    benchmark::DoNotOptimize(tun);
  }
}

void cqt_kernels(benchmark::State& state, const Track& t) {  // built once per (sr, tuning)
  dsp::CqtParams p;
  p.n_bins = 7 * 36;
  p.bins_per_octave = 36;
  p.tuning = t.tuning;
  for (auto _ : state) {
    dsp::ConstantQ cq(p);
    benchmark::DoNotOptimize(cq);
  }
}

void cqt(benchmark::State& state, const Track& t) {
  dsp::CqtParams p;
  p.n_bins = 7 * 36;
  p.bins_per_octave = 36;
  p.tuning = t.tuning;
  const dsp::ConstantQ cq(p);
  for (auto _ : state) {
    auto m = cq.magnitude(t.y);
    benchmark::DoNotOptimize(m.data());
  }
}

void chroma_cqt(benchmark::State& state, const Track& t) {  // CQT (kernels cached) + folding
  for (auto _ : state) {
    auto c = dsp::chroma_cqt(t.y, kSr, t.tuning);
    benchmark::DoNotOptimize(c.data());
  }
}

// ---- rhythm -------------------------------------------------------------------------------

void onset_strength(benchmark::State& state, const Track& t) {  // mel, dB, flux
  for (auto _ : state) {
    auto o = dsp::onset_strength(t.magnitude, t.stft.n_frames);
    benchmark::DoNotOptimize(o.data());
  }
}

void tempo(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    double bpm = dsp::tempo(t.onset);
    benchmark::DoNotOptimize(bpm);
  }
}

void beat_track(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    auto beats = dsp::beat_track(t.onset, t.bpm);
    benchmark::DoNotOptimize(beats.data());
  }
}

void onset_detect(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    auto onsets = dsp::onset_detect(t.onset, kSr, kHop);
    benchmark::DoNotOptimize(onsets.data());
  }
}

void rms(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    auto r = dsp::rms(t.y, kNfft, kHop);
    benchmark::DoNotOptimize(r.data());
  }
}

// ---- spectral shape -----------------------------------------------------------------------

void spectral_shape(benchmark::State& state, const Track& t) {  // centroid, rolloff, flatness
  const std::size_t nb = t.stft.n_bins;
  dsp::SpectralShape shape(kSr, kNfft);
  for (auto _ : state) {
    double acc = 0;
    for (std::size_t f = 0; f < t.stft.n_frames; ++f) {
      const std::span<const float> frame(t.magnitude.data() + f * nb, nb);
      acc += shape.centroid(frame) + shape.rolloff(frame, 0.85);
      acc += static_cast<double>(shape.flatness(frame));
    }
    benchmark::DoNotOptimize(acc);
  }
}

// ---- families (features/) -------------------------------------------------------------------

template <void (*Measure)(const features::AnalysisInput&, tp::Fingerprint&)>
void family(benchmark::State& state, const Track& t) {
  const features::AnalysisInput in = input(t);
  for (auto _ : state) {
    tp::Fingerprint fp;
    Measure(in, fp);
    benchmark::DoNotOptimize(fp);
  }
}

void band_energies(benchmark::State& state, const Track& t) {  // frequency family's Welch
  for (auto _ : state) {
    auto b = features::band_energies(t.y);
    benchmark::DoNotOptimize(b);
  }
}

void dynamics(benchmark::State& state, const Track& t) {
  const features::BandEnergies bands = features::band_energies(t.y);
  for (auto _ : state) {
    tp::Fingerprint fp;
    features::measure_dynamics(t.y, bands, fp);
    benchmark::DoNotOptimize(fp);
  }
}

template <void (*Measure)(std::span<const float>, tp::Fingerprint&)>
void family_of_y(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    tp::Fingerprint fp;
    Measure(t.y, fp);
    benchmark::DoNotOptimize(fp);
  }
}

void stereo(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    features::StereoAccumulator acc;
    acc.add(t.left, t.right);
    tp::Fingerprint fp;
    acc.finish(fp);
    benchmark::DoNotOptimize(fp);
  }
}

// ---- the whole analysis: these follow analysis/routes.hpp's API --------------------------

// The decoded track fed to a SignalBuilder in decoder-sized blocks, as bench/pipeline_stages
// does: NaN check, loudness, mono mix, three streaming resamplers, stereo sums.
void build_signal(const Track& t, tp::analysis::SignalBuilder& signal) {
  tp::bench::feed_in_blocks(t.channels, signal);
}

void analysis_signal(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    tp::analysis::SignalBuilder signal(t.info.sample_rate, t.info.speakers);
    build_signal(t, signal);
    benchmark::DoNotOptimize(signal.y().data());
  }
}

template <int Threads>
void fingerprint_of(benchmark::State& state, const Track& t) {  // from the finished signal
  tp::analysis::SignalBuilder signal(t.info.sample_rate, t.info.speakers);
  build_signal(t, signal);
  for (auto _ : state) {
    auto fp = tp::analysis::fingerprint_of(signal, Threads);
    benchmark::DoNotOptimize(fp);
  }
}

// bench/pipeline's (b): everything after decoding.
void analysis_total(benchmark::State& state, const Track& t) {
  for (auto _ : state) {
    tp::analysis::SignalBuilder signal(t.info.sample_rate, t.info.speakers);
    build_signal(t, signal);
    auto fp = tp::analysis::fingerprint_of(signal);
    benchmark::DoNotOptimize(fp);
  }
}

using Stage = void (*)(benchmark::State&, const Track&);
struct Named {
  const char* name;
  Stage run;
  bool wall = false;  // time by the wall clock (several threads), not this thread's CPU time
};

const Named kStages[] = {
    {"decode", decode_file},
    {"loudness", loudness},
    {"resample_mono", resample_mono},
    {"stft", stft},
    {"stft_magnitude", stft_magnitude},
    {"istft", istft},
    {"median_freq", median_freq},
    {"median_time", median_time},
    {"hpss_energy", hpss_energy},
    {"yin", yin},
    {"tuning", tuning},
    {"cqt_kernels", cqt_kernels},
    {"cqt", cqt},
    {"chroma_cqt", chroma_cqt},
    {"onset_strength", onset_strength},
    {"tempo", tempo},
    {"beat_track", beat_track},
    {"onset_detect", onset_detect},
    {"rms", rms},
    {"spectral_shape", spectral_shape},
    {"family_frequency_bands", band_energies},
    {"family_dynamics", dynamics},
    {"family_temporal", family<features::measure_temporal>},
    {"family_spectral", family<features::measure_spectral>},
    {"family_harmonic", family<features::measure_harmonic>},  // HPSS, tuning, CQT chroma
    {"family_pitch_stability", family_of_y<features::measure_pitch_stability>},  // YIN
    {"family_variation", family_of_y<features::measure_variation>},
    {"family_stereo", stereo},
    {"analysis_signal", analysis_signal},
    {"fingerprint_of", fingerprint_of<1>},
    {"fingerprint_of_threads2", fingerprint_of<2>, true},
    {"analysis_total", analysis_total},
};

std::vector<std::string> track_paths() {
  namespace fs = std::filesystem;
  std::vector<fs::path> corpora;  // a relative track is looked up in each, in order
  if (const char* c = std::getenv("TRACKPRINT_CORPUS"); c && *c) {
    corpora.emplace_back(c);
  } else {
    fs::path cache;
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
      cache = x;
    } else if (const char* h = std::getenv("HOME"); h && *h) {
      cache = fs::path(h) / ".cache";
    }
    corpora.push_back(cache / "trackprint-corpus");
    corpora.push_back(cache / "trackprint-corpus-bench");
  }
  std::string list = "flac/fof_armygeddon.flac,flac/wes_loyalists.flac";
  if (const char* l = std::getenv("TRACKPRINT_BENCH_TRACKS"); l && *l) list = l;
  std::vector<std::string> paths;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    const fs::path item = list.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    std::vector<fs::path> candidates{item};
    if (item.is_relative()) {
      candidates.clear();
      for (const fs::path& c : corpora) candidates.push_back(c / item);
    }
    const auto found = std::find_if(candidates.begin(), candidates.end(),
                                    [](const fs::path& p) { return fs::exists(p); });
    if (found != candidates.end()) {
      paths.push_back(found->string());
    } else {
      std::fprintf(stderr, "micro_stages: skipping %s (not found)\n", item.string().c_str());
    }
  }
  return paths;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  const std::vector<std::string> paths = track_paths();
  if (paths.empty()) {
    std::fprintf(stderr,
                 "micro_stages: no tracks; build the corpus (scripts/corpus --tier bench) or set "
                 "TRACKPRINT_BENCH_TRACKS\n");
    return 1;
  }
  for (const std::string& path : paths) {
    const std::string stem = std::filesystem::path(path).stem().string();
    for (const Named& s : kStages) {
      const Stage run = s.run;
      auto* b = benchmark::RegisterBenchmark((std::string(s.name) + "/" + stem).c_str(),
                                             [run, path](benchmark::State& state) {
                                               const Track& t = track(path);
                                               run(state, t);
                                               set_rate(state, t);
                                             });
      b->Unit(benchmark::kMillisecond);
      if (s.wall) b->UseRealTime();
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
