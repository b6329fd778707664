// trackprint._trackprint: the engine as a Python extension (nanobind). The public package
// (src/python/trackprint) re-exports it; the exception classes live in trackprint/_errors.py.
// Conventions: samples are channels-first float arrays, copied into float32 with the GIL held;
// the GIL is released for all decoding and analysis, so N Python threads analyse N tracks.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/array.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/tuple.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "errors.hpp"
#include "interruptible.hpp"
#include "trackprint/numbers_version.hpp"
#include "trackprint/trackprint.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace trackprint::python {
namespace {

AnalysisOptions options_of(int threads, double max_duration) {
  if (threads < 1) raise_invalid("threads must be at least 1, not " + std::to_string(threads));
  if (!(max_duration > 0)) raise_invalid("max_duration must be more than 0 seconds");
  return AnalysisOptions{threads, max_duration};
}

// The sample rate as an int: Python ints, and floats with no fraction (44100.0).
int rate_of(nb::handle sr) {
  double value = 0;
  if (PyFloat_Check(sr.ptr())) {
    value = PyFloat_AsDouble(sr.ptr());
    if (value != std::floor(value)) raise_invalid("the sample rate must be a whole number of Hz");
  } else if (PyIndex_Check(sr.ptr())) {
    int overflow = 0;
    const long long whole = PyLong_AsLongLongAndOverflow(sr.ptr(), &overflow);
    if (whole == -1 && PyErr_Occurred()) throw nb::python_error();
    value = overflow != 0 ? static_cast<double>(overflow) * 1e30 : static_cast<double>(whole);
  } else {
    raise_invalid("the sample rate must be an int, not " +
                  nb::cast<std::string>(nb::type_name(sr.type())));
  }
  // The engine checks the range; this only keeps the conversion to int defined.
  if (!(value >= 1 && value <= 1e7)) {
    char reason[80];
    std::snprintf(reason, sizeof reason, "sample rate out of range: %.17g", value);
    raise_invalid(reason);
  }
  return static_cast<int>(value);
}

// Copies a (n,) or (C, n) float32/float64 array, any strides, into one float32 vector per
// channel; float64 rounds to nearest, as numpy's astype(float32) does.
template <class T>
std::vector<std::vector<float>> copy_channels(const T* data, std::size_t channels,
                                              std::size_t frames, std::int64_t channel_stride,
                                              std::int64_t frame_stride) {
  std::vector<std::vector<float>> out(channels, std::vector<float>(frames));
  for (std::size_t c = 0; c < channels; ++c) {
    const T* row = data + static_cast<std::int64_t>(c) * channel_stride;
    for (std::size_t i = 0; i < frames; ++i) {
      const float v = static_cast<float>(row[static_cast<std::int64_t>(i) * frame_stride]);
      if (!std::isfinite(v)) {
        raise_invalid("sample " + std::to_string(i) + " of channel " + std::to_string(c) +
                      " is NaN, infinite or beyond float32's range");
      }
      out[c][i] = v;
    }
  }
  return out;
}

std::vector<std::vector<float>> channels_of(nb::handle samples) {
  nb::object array = nb::module_::import_("numpy").attr("asarray")(samples);
  const std::string dtype = nb::cast<std::string>(array.attr("dtype").attr("name"));
  if (dtype != "float32" && dtype != "float64") {
    raise_invalid("samples must be float32 or float64, not " + dtype);
  }
  // DLPack, through which nanobind reads arrays, knows only native byte order.
  if (!nb::cast<bool>(array.attr("dtype").attr("isnative"))) array = array.attr("astype")(dtype);
  nb::ndarray<nb::ro, nb::device::cpu> view;
  if (!nb::try_cast(array, view)) raise_invalid("samples cannot be read as a CPU array");
  const std::size_t ndim = view.ndim();
  if (ndim != 1 && ndim != 2) {
    raise_invalid("samples must be (n,) mono or (channels, n), not " + std::to_string(ndim) +
                  "-dimensional");
  }
  const std::size_t channels = ndim == 1 ? 1 : view.shape(0);
  const std::size_t frames = view.shape(ndim - 1);
  if (channels == 0 || frames == 0) raise_invalid("samples are empty");
  if (channels > frames) {
    raise_invalid("samples have " + std::to_string(channels) + " channels of " +
                  std::to_string(frames) +
                  " samples: channels come first, (channels, n); pass samples.T");
  }
  const std::int64_t frame_stride = view.stride(ndim - 1);
  const std::int64_t channel_stride = ndim == 1 ? 0 : view.stride(0);
  if (dtype == "float32") {
    return copy_channels(static_cast<const float*>(view.data()), channels, frames, channel_stride,
                         frame_stride);
  }
  return copy_channels(static_cast<const double*>(view.data()), channels, frames, channel_stride,
                       frame_stride);
}

Fingerprint analyze(nb::handle samples, nb::handle sr, int threads, double max_duration) {
  const AnalysisOptions options = options_of(threads, max_duration);
  const int rate = rate_of(sr);
  const std::vector<std::vector<float>> channels = channels_of(samples);
  const std::vector<std::span<const float>> spans(channels.begin(), channels.end());
  std::optional<Result<Fingerprint>> result;
  result.emplace(analyse_interruptibly(
      options, [&](const AnalysisOptions& o) { return analyze_samples(spans, rate, o); }));
  if (!result->ok()) raise(result->error().kind, result->error().reason, nb::none());
  return std::move(result->value());
}

Fingerprint analyze_path(nb::handle path, int threads, double max_duration) {
  const AnalysisOptions options = options_of(threads, max_duration);
  nb::module_ os = nb::module_::import_("os");
  // Bytes as the file system spells them: any path Python can name, UTF-8 or not.
  const nb::bytes encoded(os.attr("fsencode")(path));
  const nb::object shown = os.attr("fsdecode")(encoded);
  const std::string file(encoded.c_str(), encoded.size());
  std::optional<Result<Fingerprint>> result;
  result.emplace(analyse_interruptibly(
      options, [&](const AnalysisOptions& o) { return analyze_file(file, o); }));
  if (!result->ok()) raise(result->error().kind, result->error().reason, shown);
  return std::move(result->value());
}

nb::ndarray<nb::numpy, double, nb::ndim<1>> values_array(const Fingerprint& fp) {
  auto* copy = new double[kDimensionCount];
  std::copy(fp.values.begin(), fp.values.end(), copy);
  nb::capsule owner(copy, [](void* p) noexcept { delete[] static_cast<double*>(p); });
  return {copy, {kDimensionCount}, owner};
}

nb::dict values_dict(const Fingerprint& fp) {
  nb::dict out;
  for (std::size_t i = 0; i < kDimensionCount; ++i) {
    out[nb::str(kDimensions[i].name.data(), kDimensions[i].name.size())] = fp.values[i];
  }
  return out;
}

double value_named(const Fingerprint& fp, std::string_view name) {
  const std::optional<Dim> dim = dimension_named(name);
  if (!dim) throw nb::key_error(("no dimension named '" + std::string(name) + "'").c_str());
  return fp[*dim];
}

std::string fingerprint_repr(const Fingerprint& fp) {
  char head[160];
  std::snprintf(head, sizeof head, "<trackprint.Fingerprint v%d %s%d Hz %d ch %.2f s:", fp.version,
                fp.codec.empty() ? "" : (fp.codec + " ").c_str(), fp.sample_rate, fp.channels,
                fp.duration_s);
  std::string out = head;
  // The dimensions a person checks first; as_dict() has all 25.
  for (Dim d : {Dim::tempo_bpm, Dim::lufs, Dim::crest_db, Dim::spectral_centroid,
                Dim::harmonic_ratio, Dim::stereo_width}) {
    char item[64];
    std::snprintf(item, sizeof item, " %s=%.4g", std::string(info(d).name).c_str(), fp[d]);
    out += item;
  }
  return out + " ...>";
}

std::string dimension_repr(const DimensionInfo& d) {
  char out[200];
  std::snprintf(out, sizeof out, "Dimension(name='%s', family='%s', unit='%s', min=%g, max=%g)",
                std::string(d.name).c_str(), std::string(d.family).c_str(),
                std::string(d.unit).c_str(), d.min, d.max);
  return out;
}

}  // namespace
}  // namespace trackprint::python

NB_MODULE(_trackprint, m) {
  using namespace trackprint;
  using namespace trackprint::python;
  m.doc() = "The trackprint engine (import trackprint, not this module).";

  nb::class_<DimensionInfo>(m, "Dimension",
                            "One of the 25 dimensions of the fingerprint (spec §2): read-only.")
      .def_prop_ro(
          "name", [](const DimensionInfo& d) { return d.name; }, "The spec's name, e.g. 'lufs'.")
      .def_prop_ro(
          "family", [](const DimensionInfo& d) { return d.family; },
          "The feature family: frequency, dynamics, temporal, spectral, harmonic, variation or "
          "stereo.")
      .def_prop_ro(
          "unit", [](const DimensionInfo& d) { return d.unit; },
          "The unit, e.g. 'dB', 'BPM', 'fraction', '0-1'.")
      .def_prop_ro(
          "min", [](const DimensionInfo& d) { return d.min; },
          "The least value the spec allows (-inf where it sets no bound).")
      .def_prop_ro(
          "max", [](const DimensionInfo& d) { return d.max; },
          "The greatest value the spec allows (inf where it sets no bound).")
      .def_prop_ro(
          "tolerance", [](const DimensionInfo& d) { return d.tolerance; },
          "How far from the librosa oracle a value may be (see tolerance_kind).")
      .def_prop_ro(
          "tolerance_kind",
          [](const DimensionInfo& d) {
            return d.tolerance_kind == ToleranceKind::absolute ? "absolute" : "one_frame";
          },
          "'absolute' (|engine - oracle| <= tolerance) or 'one_frame' (one RMS frame of the "
          "track).")
      .def_prop_ro(
          "decision_based", [](const DimensionInfo& d) { return d.decision_based; },
          "True where a picked peak or placed beat may flip the value on a borderline track.")
      .def("__repr__", &dimension_repr);

  nb::tuple dimensions;
  {
    nb::list all;
    for (const DimensionInfo& d : kDimensions) all.append(nb::cast(&d, nb::rv_policy::reference));
    dimensions = nb::tuple(all);
  }
  m.attr("DIMENSIONS") = dimensions;
  m.attr("FINGERPRINT_VERSION") = kFingerprintVersion;

  nb::class_<Fingerprint>(m, "Fingerprint",
                          "The 25-number fingerprint of one track (spec §3), and what it was "
                          "measured on. Made by analyze() and analyze_file().")
      .def("as_dict", &values_dict,
           "The 25 values by the spec's names, in spec order (a new dict each call).")
      .def("as_array", &values_array,
           "The 25 values as a new float64 numpy array of shape (25,), in spec order "
           "(trackprint.DIMENSIONS gives the name of each position).")
      .def("__getitem__", &value_named, "name"_a, "The value of the dimension called `name`.")
      // Pickling, so that fingerprints travel back from a process pool.
      .def("__getstate__",
           [](const Fingerprint& fp) {
             return std::make_tuple(fp.values, fp.version, fp.duration_s, fp.sample_rate,
                                    fp.channels, fp.codec);
           })
      .def("__setstate__",
           [](Fingerprint& fp, const std::tuple<std::array<double, kDimensionCount>, int, double,
                                                int, int, std::string>& state) {
             new (&fp) Fingerprint{std::get<0>(state), std::get<1>(state), std::get<2>(state),
                                   std::get<3>(state), std::get<4>(state), std::get<5>(state)};
           })
      .def_prop_ro(
          "duration", [](const Fingerprint& fp) { return fp.duration_s; },
          "Seconds of audio, at the input's own rate.")
      .def_prop_ro(
          "sample_rate", [](const Fingerprint& fp) { return fp.sample_rate; },
          "The input's own sample rate in Hz (before resampling to 22050 Hz).")
      .def_prop_ro(
          "channels", [](const Fingerprint& fp) { return fp.channels; },
          "The input's channel count.")
      .def_prop_ro(
          "codec",
          [](const Fingerprint& fp) -> nb::object {
            if (fp.codec.empty()) return nb::none();
            return text(fp.codec);
          },
          "FFmpeg's short codec name ('flac', 'mp3', ...); None for analyze()'s samples.")
      .def_prop_ro(
          "version", [](const Fingerprint& fp) { return fp.version; },
          "The fingerprint definition's version (trackprint.FINGERPRINT_VERSION when made).")
      .def("__repr__", &fingerprint_repr);

  m.def("analyze", &analyze, "samples"_a, "sr"_a, nb::kw_only(), "threads"_a = 1,
        "max_duration"_a = kDefaultMaxDurationSeconds,
        nb::sig("def analyze(samples: numpy.typing.ArrayLike, sr: int, *, threads: int = 1, "
                "max_duration: float = 21600.0) -> Fingerprint"),
        "The fingerprint of decoded audio: `samples` is mono (n,) or channels-first (C, n), "
        "float32 or float64 in [-1, 1] at `sr` Hz (float64 is rounded to float32). Channels 0 "
        "and 1 are taken as left and right. `threads` (>= 1) run inside the track; the result "
        "is the same for any value. Raises InvalidInputError for a wrong dtype, shape, NaN/Inf "
        "or rate, TooShortError under 0.5 s, TooLongError over `max_duration` seconds. Releases "
        "the GIL while it works.");
  m.def("analyze_file", &analyze_path, "path"_a, nb::kw_only(), "threads"_a = 1,
        "max_duration"_a = kDefaultMaxDurationSeconds,
        nb::sig("def analyze_file(path: str | os.PathLike[str] | bytes, *, threads: int = 1, "
                "max_duration: float = 21600.0) -> Fingerprint"),
        "Decodes `path` (any format FFmpeg reads) and returns its fingerprint; a file of more "
        "than `max_duration` seconds raises TooLongError. Raises a "
        "trackprint.Error subclass naming the file and the reason when it cannot. Releases the "
        "GIL while it works.");
  bind_library(m);
  bind_queue(m);
  bind_trace(m);
  m.def(
      "numbers_version", [] { return kNumbersVersion; },
      "Which exact bits this build computes (docs/store.md); stored beside every fingerprint.");
  m.def(
      "engine_version", [] { return std::string(engine_version()); },
      "The engine's version, stored beside every fingerprint.");
}
