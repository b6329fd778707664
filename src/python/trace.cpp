// trackprint.trace(path) and trackprint.Trace: the series behind a track's 25 values as numpy
// arrays (copies made once, when the trace is made), for plotting with matplotlib or anything.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "errors.hpp"
#include "interruptible.hpp"
#include "trackprint/trace.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace trackprint::python {
namespace {

// A Trace and the fingerprint it came with.
struct TracedTrack {
  Fingerprint fingerprint;
  Trace trace;
};

template <class T>
nb::ndarray<nb::numpy, T> array_of(std::vector<T> values, std::size_t rows = 0) {
  auto* copy = new std::vector<T>(std::move(values));
  nb::capsule owner(copy, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
  if (rows == 0) return {copy->data(), {copy->size()}, owner};
  return {copy->data(), {rows, copy->size() / rows}, owner};
}

// Frame-major (frames x width) to librosa's (width x frames).
template <class T>
nb::ndarray<nb::numpy, T> transposed(const std::vector<T>& frame_major, std::size_t width) {
  const std::size_t frames = width == 0 ? 0 : frame_major.size() / width;
  std::vector<T> out(frame_major.size());
  for (std::size_t t = 0; t < frames; ++t) {
    for (std::size_t k = 0; k < width; ++k) out[k * frames + t] = frame_major[t * width + k];
  }
  return array_of(std::move(out), width);
}

nb::ndarray<nb::numpy, double> times(std::size_t n, double rate, double offset = 0) {
  std::vector<double> t(n);
  for (std::size_t i = 0; i < n; ++i) t[i] = offset + static_cast<double>(i) / rate;
  return array_of(std::move(t));
}

TracedTrack trace_path(nb::handle path, int threads, std::size_t columns) {
  if (threads < 1) raise_invalid("threads must be at least 1, not " + std::to_string(threads));
  nb::module_ os = nb::module_::import_("os");
  const nb::bytes encoded(os.attr("fsencode")(path));
  const nb::object shown = os.attr("fsdecode")(encoded);
  const std::string file(encoded.c_str(), encoded.size());
  TracedTrack out;
  out.trace.max_spectrogram_columns = columns;
  std::optional<Result<Fingerprint>> result;
  result.emplace(analyse_interruptibly(AnalysisOptions{threads}, [&](const AnalysisOptions& o) {
    return analyze_file(file, o, out.trace);
  }));
  if (!result->ok()) raise(result->error().kind, result->error().reason, shown);
  out.fingerprint = std::move(result->value());
  return out;
}

}  // namespace

void bind_trace(nb::module_& m) {
  using T = TracedTrack;
  nb::class_<TracedTrack>(
      m, "Trace",
      "The series behind one track's fingerprint, as the analysis computed them (made by "
      "trace()). Every array is a new numpy array; *_times give each series' time axis in "
      "seconds. 'Frames' are the shared STFT's (2048/512 at 22050 Hz, centred).")
      .def_prop_ro(
          "fingerprint", [](const T& t) { return t.fingerprint; }, nb::rv_policy::move,
          "The fingerprint, bit-identical to analyze_file()'s.")
      .def_prop_ro(
          "sample_rate", [](const T& t) { return t.trace.sample_rate; }, nb::rv_policy::move,
          "Rate of the analysis signal y (22050.0).")
      .def_prop_ro(
          "hop", [](const T& t) { return t.trace.hop; }, nb::rv_policy::move,
          "Samples between frames (512).")
      .def_prop_ro(
          "duration", [](const T& t) { return t.trace.duration_s; }, nb::rv_policy::move,
          "Seconds of y.")
      .def_prop_ro(
          "frame_times", [](const T& t) { return times(t.trace.rms.size(), t.trace.frame_rate()); },
          nb::rv_policy::move, "The time of each frame (its centre), float64 (n_frames,).")
      .def_prop_ro(
          "wave_min", [](const T& t) { return array_of(t.trace.wave_min); }, nb::rv_policy::move,
          "The least sample of y in each hop of 512 samples, float32.")
      .def_prop_ro(
          "wave_max", [](const T& t) { return array_of(t.trace.wave_max); }, nb::rv_policy::move,
          "The greatest sample of y in each hop, float32.")
      .def_prop_ro(
          "momentary_lufs", [](const T& t) { return array_of(t.trace.momentary_lufs); },
          nb::rv_policy::move,
          "BS.1770 loudness of the last 400 ms, every 100 ms (floored at -70), float64.")
      .def_prop_ro(
          "short_term_lufs", [](const T& t) { return array_of(t.trace.short_term_lufs); },
          nb::rv_policy::move,
          "BS.1770 loudness of the last 3 s, every 100 ms (floored at -70), float64.")
      .def_prop_ro(
          "loudness_times",
          [](const T& t) {
            const double rate = t.trace.loudness_rate;
            return times(t.trace.momentary_lufs.size(), rate, 1.0 / rate);
          },
          nb::rv_policy::move, "The end of each loudness reading's 100 ms, in seconds.")
      .def_prop_ro(
          "rms", [](const T& t) { return array_of(t.trace.rms); }, nb::rv_policy::move,
          "RMS of each frame (librosa.feature.rms), float32 (n_frames,).")
      .def_prop_ro(
          "spectrogram_db",
          [](const T& t) {
            return transposed(t.trace.spectrogram_db, t.trace.mel_bands_hz.size());
          },
          nb::rv_policy::move,
          "The mel spectrogram (128 bands, 0-11025 Hz) in dB below its loudest cell (floor "
          "-80), frames averaged to at most `spectrogram_columns`: float32 (128, columns), low "
          "bands first, as librosa.display.specshow takes it.")
      .def_prop_ro(
          "spectrogram_times",
          [](const T& t) {
            const double per = static_cast<double>(t.trace.frames_per_column);
            return times(t.trace.spectrogram_columns, t.trace.frame_rate() / per);
          },
          nb::rv_policy::move, "The time each spectrogram column starts at.")
      .def_prop_ro(
          "mel_bands_hz", [](const T& t) { return array_of(t.trace.mel_bands_hz); },
          nb::rv_policy::move, "The centre of each mel band, Hz.")
      .def_prop_ro(
          "centroid_hz", [](const T& t) { return array_of(t.trace.centroid_hz); },
          nb::rv_policy::move, "Spectral centroid of each frame, Hz.")
      .def_prop_ro(
          "rolloff_hz", [](const T& t) { return array_of(t.trace.rolloff_hz); },
          nb::rv_policy::move, "85 % spectral rolloff of each frame, Hz.")
      .def_prop_ro(
          "flatness", [](const T& t) { return array_of(t.trace.flatness); }, nb::rv_policy::move,
          "Spectral flatness of each frame, 0-1.")
      .def_prop_ro(
          "harmonic_rms", [](const T& t) { return array_of(t.trace.harmonic_rms); },
          nb::rv_policy::move,
          "RMS of librosa.effects.hpss's harmonic signal over each hop of 512 samples.")
      .def_prop_ro(
          "percussive_rms", [](const T& t) { return array_of(t.trace.percussive_rms); },
          nb::rv_policy::move, "RMS of the percussive signal over each hop.")
      .def_prop_ro(
          "onset_envelope", [](const T& t) { return array_of(t.trace.onset_envelope); },
          nb::rv_policy::move, "librosa.onset.onset_strength of each frame, float32.")
      .def_prop_ro(
          "tempo_bpm", [](const T& t) { return t.trace.tempo_bpm; }, nb::rv_policy::move,
          "The global tempo estimate (before tempo_bpm's clip to 40-200).")
      .def_prop_ro(
          "beat_times", [](const T& t) { return array_of(t.trace.beat_times); },
          nb::rv_policy::move, "Beats (librosa.beat.beat_track), seconds.")
      .def_prop_ro(
          "onset_times", [](const T& t) { return array_of(t.trace.onset_times); },
          nb::rv_policy::move, "Onsets (librosa.onset.onset_detect), seconds.")
      .def_prop_ro(
          "chroma", [](const T& t) { return transposed(t.trace.chroma, 12); }, nb::rv_policy::move,
          "CQT chroma, float32 (12, n_frames), C first; each frame scaled to a maximum of 1.")
      .def_prop_ro(
          "f0_hz", [](const T& t) { return array_of(t.trace.f0_hz); }, nb::rv_policy::move,
          "YIN's f0 of each frame (librosa.yin, C2-C7), Hz.")
      .def_prop_ro(
          "voiced",
          [](const T& t) {
            std::vector<std::uint8_t> bytes(t.trace.voiced.begin(), t.trace.voiced.end());
            return nb::module_::import_("numpy")
                .attr("asarray")(array_of(std::move(bytes)))
                .attr("astype")("bool");
          },
          nb::rv_policy::move,
          "Whether YIN found a trough below its threshold in each frame, bool.")
      .def_prop_ro(
          "block_peak", [](const T& t) { return array_of(t.trace.block_peak); },
          nb::rv_policy::move, "Peak of each 0.5 s block, every 0.25 s (the variation family).")
      .def_prop_ro(
          "block_rms", [](const T& t) { return array_of(t.trace.block_rms); }, nb::rv_policy::move,
          "RMS of each 0.5 s block.")
      .def_prop_ro(
          "block_times",
          [](const T& t) { return times(t.trace.block_peak.size(), t.trace.block_rate); },
          nb::rv_policy::move, "The start of each block, seconds.")
      .def_prop_ro(
          "sparse_rms", [](const T& t) { return array_of(t.trace.sparse_rms); },
          nb::rv_policy::move, "RMS of 2048 samples every 5512 (loudness_variation_std's series).")
      .def("__repr__", [](const T& t) {
        return "<trackprint.Trace " + std::to_string(t.trace.rms.size()) + " frames, " +
               std::to_string(t.trace.duration_s) + " s>";
      });

  m.def("trace", &trace_path, "path"_a, nb::kw_only(), "threads"_a = 1,
        "spectrogram_columns"_a = 1000,
        nb::sig("def trace(path: str | os.PathLike[str] | bytes, *, threads: int = 1, "
                "spectrogram_columns: int = 1000) -> Trace"),
        "Analyses `path` like analyze_file() and returns the series its 25 values come from "
        "(Trace; its .fingerprint is analyze_file()'s, bit for bit). The mel spectrogram is "
        "averaged in time to at most `spectrogram_columns` columns. Raises a trackprint.Error "
        "subclass naming the file when it cannot be analysed. Releases the GIL while it works.");
}

}  // namespace trackprint::python
