#include "report/track_page.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>

#include "report/base64.hpp"
#include "report/display_series.hpp"
#include "report/page_template.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::report {
namespace {

using nlohmann::json;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

json series_json(const DisplaySeries& s) {
  return {{"rate", s.rate}, {"data", base64_float32(s.values)}};
}

template <class T>
json pooled_json(const std::vector<T>& values, double rate, Pool how) {
  return series_json(pooled(std::span<const T>(values), rate, kPagePoints, how));
}

float decibels(double amplitude) {
  return amplitude > 1e-10 ? static_cast<float>(20.0 * std::log10(amplitude)) : kNaN;
}

// dB in [-80, 0] as a byte: 0 is -80 dB or below, 255 is the loudest.
std::string spectrogram_bytes(const std::vector<float>& db) {
  std::vector<std::uint8_t> bytes(db.size());
  for (std::size_t i = 0; i < db.size(); ++i) {
    bytes[i] = static_cast<std::uint8_t>(
        std::lround(std::clamp((db[i] + 80.0f) / 80.0f, 0.0f, 1.0f) * 255.0f));
  }
  return base64(bytes);
}

json series_of(const Trace& t) {
  const double frame_rate = t.frame_rate();
  json s;
  s["duration"] = t.duration_s;
  s["wave"] = {{"min", pooled_json(t.wave_min, frame_rate, Pool::min)},
               {"max", pooled_json(t.wave_max, frame_rate, Pool::max)}};
  s["loudness"] = {{"momentary", pooled_json(t.momentary_lufs, t.loudness_rate, Pool::mean)},
                   {"short_term", pooled_json(t.short_term_lufs, t.loudness_rate, Pool::mean)}};
  // The harmonic share over about a third of a second, as harmonic_ratio is over the track:
  // sqrt(mean h^2) / (sqrt(mean h^2) + sqrt(mean p^2)).
  const std::size_t hops = std::min(t.harmonic_rms.size(), t.percussive_rms.size());
  std::vector<float> h2(hops), p2(hops);
  for (std::size_t i = 0; i < hops; ++i) {
    h2[i] = t.harmonic_rms[i] * t.harmonic_rms[i];
    p2[i] = t.percussive_rms[i] * t.percussive_rms[i];
  }
  const std::size_t points = std::max<std::size_t>(1, static_cast<std::size_t>(t.duration_s * 3));
  DisplaySeries share = pooled(std::span<const float>(h2), frame_rate, points, Pool::mean);
  const DisplaySeries perc = pooled(std::span<const float>(p2), frame_rate, points, Pool::mean);
  for (std::size_t i = 0; i < share.values.size(); ++i) {
    const float h = std::sqrt(share.values[i]), p = std::sqrt(perc.values[i]);
    share.values[i] = h + p > 1e-6f ? h / (h + p) : kNaN;
  }
  s["hpss"] = {{"harmonic_share", series_json(share)}};
  const double seconds_per_column = static_cast<double>(t.frames_per_column) / frame_rate;
  s["spectrogram"] = {{"columns", t.spectrogram_columns},
                      {"rows", t.mel_bands_hz.size()},
                      {"seconds_per_column", seconds_per_column},
                      {"bands_hz", t.mel_bands_hz},
                      {"bytes", spectrogram_bytes(t.spectrogram_db)}};
  s["centroid"] =
      series_json(pooled(std::span<const double>(t.centroid_hz), frame_rate, points, Pool::mean));
  s["onset"] = pooled_json(t.onset_envelope, frame_rate, Pool::max);
  s["tempo_bpm"] = t.tempo_bpm;
  const auto times = [](const std::vector<double>& v) {
    return base64_float32(std::vector<float>(v.begin(), v.end()));
  };
  s["beats"] = times(t.beat_times);
  s["onsets"] = times(t.onset_times);
  std::size_t chroma_frames = 0;
  const std::vector<float> chroma = pooled_frames(t.chroma, 12, kPagePoints / 2, chroma_frames);
  std::vector<std::uint8_t> chroma_bytes(chroma.size());
  for (std::size_t i = 0; i < chroma.size(); ++i) {
    chroma_bytes[i] =
        static_cast<std::uint8_t>(std::lround(std::clamp(chroma[i], 0.0f, 1.0f) * 255.0f));
  }
  const std::size_t chroma_total = t.chroma.size() / 12;
  s["chroma"] = {{"frames", chroma_frames},
                 {"rate", chroma_total == 0 ? 0.0
                                            : frame_rate * static_cast<double>(chroma_frames) /
                                                  static_cast<double>(chroma_total)},
                 {"bytes", base64(chroma_bytes)}};
  // The pitch track at full resolution: pitch_stability is over every frame's f0; YIN's voicing
  // (a trough below its threshold) says which frames held a clear pitch.
  s["pitch"] = {{"rate", frame_rate},
                {"data", base64_float32(std::vector<float>(t.f0_hz.begin(), t.f0_hz.end()))},
                {"voiced", base64(t.voiced)}};
  std::vector<float> peak_db, rms_db;
  for (double v : t.block_peak) peak_db.push_back(decibels(v));
  for (double v : t.block_rms) rms_db.push_back(decibels(v));
  s["blocks"] = {{"peak_db", pooled_json(peak_db, t.block_rate, Pool::max)},
                 {"rms_db", pooled_json(rms_db, t.block_rate, Pool::mean)}};
  return s;
}

json label_json(const TrackLabel& t) {
  return {{"title", t.title}, {"artist", t.artist}, {"path", t.path}};
}

}  // namespace

std::string track_page(const TrackPageInput& in) {
  const Fingerprint& fp = in.fingerprint;
  json data;
  data["track"] = label_json(in.track);
  data["engine"] = std::string(engine_version());
  data["fingerprint_version"] = fp.version;
  data["info"] = {{"duration_s", fp.duration_s},
                  {"sample_rate", fp.sample_rate},
                  {"channels", fp.channels},
                  {"codec", fp.codec}};
  json values = json::array();
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    const DimensionInfo& info = kDimensions[d];
    json v = {
        {"name", info.name}, {"family", info.family}, {"unit", info.unit}, {"value", fp.values[d]}};
    if (std::isfinite(info.min)) v["min"] = info.min;
    if (std::isfinite(info.max)) v["max"] = info.max;
    if (in.library) v["percentile"] = in.library->percentile[d];
    values.push_back(v);
  }
  data["values"] = values;
  if (in.library) {
    json neighbours = json::array();
    for (const Neighbour& n : in.library->neighbours) {
      json item = label_json(n.track);
      item["distance"] = n.distance;
      neighbours.push_back(item);
    }
    data["library"] = {
        {"db", in.library->db_path}, {"tracks", in.library->tracks}, {"neighbours", neighbours}};
  }
  data["series"] = series_of(in.trace);
  const std::string title = in.track.title.empty() ? in.track.path : in.track.title;
  return filled_page(
      "track.html",
      {{"title", title},
       {"data", script_safe(data.dump(-1, ' ', false, json::error_handler_t::replace))}});
}

}  // namespace trackprint::report
