#include "report/map_page.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>

#include "report/base64.hpp"
#include "report/page_template.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::report {
namespace {

using nlohmann::json;

json colour_json(const LibraryView& lib, MapColour colour) {
  json c;
  c["by"] = std::string(to_string(colour));
  const auto& tracks = lib.tracks();
  if (colour == MapColour::lufs || colour == MapColour::tempo_bpm) {
    const Dim dim = colour == MapColour::lufs ? Dim::lufs : Dim::tempo_bpm;
    std::vector<float> v;
    for (const LibraryTrack& t : tracks) v.push_back(static_cast<float>(t.fingerprint[dim]));
    c["kind"] = "number";
    c["unit"] = std::string(info(dim).unit);
    c["values"] = base64_float32(v);
    if (!v.empty()) {
      c["min"] = *std::min_element(v.begin(), v.end());
      c["max"] = *std::max_element(v.begin(), v.end());
    }
    return c;
  }
  const auto label = [colour](const LibraryTrack& t) {
    const std::string& s = colour == MapColour::album ? t.album : t.genre;
    return s.empty() ? std::string("unknown") : s;
  };
  std::map<std::string, std::size_t> counts;
  for (const LibraryTrack& t : tracks) ++counts[label(t)];
  std::vector<std::pair<std::string, std::size_t>> order(counts.begin(), counts.end());
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  const bool other = order.size() > kMapCategories;
  if (other) order.resize(kMapCategories);
  json names = json::array(), sizes = json::array();
  std::map<std::string, std::uint8_t> index;
  for (const auto& [name, count] : order) {
    index[name] = static_cast<std::uint8_t>(names.size());
    names.push_back(name);
    sizes.push_back(count);
  }
  if (other) {
    std::size_t rest = tracks.size();
    for (const auto& entry : order) rest -= entry.second;
    names.push_back("other");
    sizes.push_back(rest);
  }
  std::vector<std::uint8_t> of_track;
  for (const LibraryTrack& t : tracks) {
    const auto it = index.find(label(t));
    of_track.push_back(it != index.end() ? it->second : static_cast<std::uint8_t>(order.size()));
  }
  c["kind"] = "category";
  c["categories"] = names;
  c["counts"] = sizes;
  c["index"] = base64(of_track);
  return c;
}

// "+tempo_bpm, -lufs, +crest_db": the three dimensions that weigh most on an axis.
std::string axis_name(const std::vector<double>& axis) {
  std::vector<std::size_t> order(axis.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&axis](std::size_t a, std::size_t b) {
    return std::abs(axis[a]) > std::abs(axis[b]);
  });
  std::string out;
  for (std::size_t k = 0; k < std::min<std::size_t>(3, order.size()); ++k) {
    if (!out.empty()) out += ", ";
    out += (axis[order[k]] >= 0 ? "+" : "\u2212") + std::string(kDimensions[order[k]].name);
  }
  return out;
}

}  // namespace

std::optional<MapColour> map_colour_named(std::string_view name) {
  for (MapColour c : {MapColour::album, MapColour::genre, MapColour::lufs, MapColour::tempo_bpm}) {
    if (to_string(c) == name) return c;
  }
  return std::nullopt;
}

std::string_view to_string(MapColour colour) {
  switch (colour) {
    case MapColour::album:
      return "album";
    case MapColour::genre:
      return "genre";
    case MapColour::lufs:
      return "lufs";
    case MapColour::tempo_bpm:
      return "tempo_bpm";
  }
  return "genre";
}

std::string map_page(const MapPageInput& in) {
  const auto& tracks = in.library.tracks();
  json data;
  data["engine"] = std::string(engine_version());
  data["db"] = in.library.db_path();
  data["metric"] = in.library.metric_name();
  data["count"] = tracks.size();
  data["x"] = base64_float32(in.projection.x);
  data["y"] = base64_float32(in.projection.y);
  data["explained"] = in.projection.explained;
  data["axes"] = {axis_name(in.projection.axes[0]), axis_name(in.projection.axes[1])};
  json titles = json::array(), artists = json::array(), paths = json::array();
  for (const LibraryTrack& t : tracks) {
    titles.push_back(t.label.title);
    artists.push_back(t.label.artist);
    paths.push_back(t.label.path);
  }
  data["titles"] = titles;
  data["artists"] = artists;
  data["paths"] = paths;
  data["colour"] = colour_json(in.library, in.colour);
  const std::size_t k = in.neighbours.empty() ? 0 : in.neighbours.front().size();
  std::vector<std::uint32_t> index;
  std::vector<float> distance;
  for (const auto& list : in.neighbours) {
    for (std::size_t j = 0; j < k; ++j) {
      index.push_back(j < list.size() ? static_cast<std::uint32_t>(list[j].index) : 0xffffffffu);
      distance.push_back(j < list.size() ? static_cast<float>(list[j].distance) : -1.0f);
    }
  }
  data["neighbours"] = {
      {"k", k}, {"index", base64_uint32(index)}, {"distance", base64_float32(distance)}};
  return filled_page(
      "map.html",
      {{"title", "Library map of " + in.library.db_path()},
       {"data", script_safe(data.dump(-1, ' ', false, json::error_handler_t::replace))}});
}

}  // namespace trackprint::report
