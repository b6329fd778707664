#include "library/sidecar.hpp"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "library/json_text.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::library {
namespace {

using nlohmann::json;

// Our own layout of Auralis' format_version 1.0 (identity by size and mtime, a flat map of the
// 25 values); `trackprint` fields say which engine and fingerprint version made it.
constexpr const char* kFormatVersion = "1.0";

std::string file_name(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string sidecar_path(const std::string& audio_path) {
  return audio_path + ".25d";
}

std::optional<Fingerprint> read_sidecar(const std::string& audio_path, std::int64_t size,
                                        std::int64_t mtime_ns) {
  std::ifstream in(sidecar_path(audio_path));
  if (!in) return std::nullopt;
  const json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  try {
    const json& file = doc.at("audio_file");
    const json& made_by = doc.at("trackprint");
    if (doc.at("format_version") != kFormatVersion ||
        file.at("size_bytes").get<std::int64_t>() != size ||
        file.at("mtime_ns").get<std::int64_t>() != mtime_ns ||
        made_by.at("fingerprint_version").get<int>() != kFingerprintVersion ||
        made_by.at("engine_version").get<std::string>() != engine_version()) {
      return std::nullopt;
    }
    Fingerprint fp;
    const json& values = doc.at("fingerprint");
    for (std::size_t i = 0; i < kDimensionCount; ++i) {
      const json& v = values.at(std::string(kDimensions[i].name));
      if (!v.is_number()) return std::nullopt;
      fp.values[i] = v.get<double>();
    }
    const json& audio = doc.at("audio");
    fp.duration_s = audio.at("duration_s").get<double>();
    fp.sample_rate = audio.at("sample_rate").get<int>();
    fp.channels = audio.at("channels").get<int>();
    fp.codec = audio.at("codec").get<std::string>();
    return fp;
  } catch (const json::exception&) {
    return std::nullopt;  // a field missing or of the wrong type: not ours, or damaged
  }
}

std::optional<std::string> write_sidecar(const std::string& audio_path, std::int64_t size,
                                         std::int64_t mtime_ns, const Fingerprint& fp,
                                         const std::string& generated_at) {
  // In the spec's order, for the people who open the file.
  Json values = Json::object();
  for (std::size_t i = 0; i < kDimensionCount; ++i) {
    if (!std::isfinite(fp.values[i])) return "a value is not finite; JSON cannot hold it";
    values[std::string(kDimensions[i].name)] = fp.values[i];
  }
  Json file = Json::object();
  set_path(file, "path", file_name(audio_path));
  file["size_bytes"] = size;
  file["mtime_ns"] = mtime_ns;
  const Json doc = {
      {"format_version", kFormatVersion},
      {"generated_at", generated_at},
      {"audio_file", file},
      {"trackprint",
       {{"engine_version", std::string(engine_version())}, {"fingerprint_version", fp.version}}},
      {"audio",
       {{"duration_s", fp.duration_s},
        {"sample_rate", fp.sample_rate},
        {"channels", fp.channels},
        {"codec", fp.codec}}},
      {"fingerprint", values},
  };
  const std::string text = json_text(doc, 2) + "\n";
  const std::string target = sidecar_path(audio_path);
  const std::string temporary = target + ".tmp" + std::to_string(getpid());
  std::FILE* f = std::fopen(temporary.c_str(), "wb");
  if (f == nullptr) return std::string("cannot write sidecar: ") + std::strerror(errno);
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !written || std::rename(temporary.c_str(), target.c_str()) != 0) {
    const std::string reason = std::string("cannot write sidecar: ") + std::strerror(errno);
    std::remove(temporary.c_str());
    return reason;
  }
  return std::nullopt;
}

}  // namespace trackprint::library
