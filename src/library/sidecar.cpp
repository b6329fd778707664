#include "library/sidecar.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "library/json_text.hpp"
#include "trackprint/limits.hpp"
#include "trackprint/numbers_version.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::library {
namespace {

using nlohmann::json;

// Our own layout of Auralis' format_version 1.0 (identity by size and mtime, a flat map of the
// 25 values); `trackprint` fields say which engine and fingerprint version made it.
constexpr const char* kFormatVersion = "1.0";

// An integer field: a JSON integer (never a float, whose conversion could overflow) in
// [lo, hi]; nullopt otherwise.
std::optional<std::int64_t> integer(const json& v, std::int64_t lo, std::int64_t hi) {
  std::int64_t n = 0;
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    n = static_cast<std::int64_t>(u);
  } else if (v.is_number_integer()) {
    n = v.get<std::int64_t>();
  } else {
    return std::nullopt;
  }
  if (n < lo || n > hi) return std::nullopt;
  return n;
}

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
  std::ifstream in(sidecar_path(audio_path), std::ios::binary);
  if (!in) return std::nullopt;
  // A sidecar is a few kilobytes; anything much larger is not one (and is not read whole).
  constexpr std::size_t kMaxSidecarBytes = 1 << 16;
  std::string text(kMaxSidecarBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  const auto n = static_cast<std::size_t>(in.gcount());
  if (n > kMaxSidecarBytes) return std::nullopt;
  text.resize(n);
  return parse_sidecar(text, size, mtime_ns);
}

std::optional<Fingerprint> parse_sidecar(std::string_view text, std::int64_t size,
                                         std::int64_t mtime_ns) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  try {
    const json& file = doc.at("audio_file");
    const json& made_by = doc.at("trackprint");
    if (doc.at("format_version") != kFormatVersion ||
        integer(file.at("size_bytes"), size, size) != size ||
        integer(file.at("mtime_ns"), mtime_ns, mtime_ns) != mtime_ns ||
        integer(made_by.at("fingerprint_version"), kFingerprintVersion, kFingerprintVersion) !=
            kFingerprintVersion ||
        integer(made_by.at("numbers_version"), kNumbersVersion, kNumbersVersion) !=
            kNumbersVersion) {
      return std::nullopt;
    }
    Fingerprint fp;
    const json& values = doc.at("fingerprint");
    for (std::size_t i = 0; i < kDimensionCount; ++i) {
      const json& v = values.at(std::string(kDimensions[i].name));
      if (!v.is_number()) return std::nullopt;
      const double x = v.get<double>();
      // Out of range is not something this engine writes: damaged, or made by hand.
      if (!std::isfinite(x) || x < kDimensions[i].min || x > kDimensions[i].max)
        return std::nullopt;
      fp.values[i] = x;
    }
    const json& audio = doc.at("audio");
    const json& duration = audio.at("duration_s");
    const auto rate = integer(audio.at("sample_rate"), kMinSampleRate, kMaxSampleRate);
    const auto channels = integer(audio.at("channels"), 1, kMaxChannels);
    if (!duration.is_number() || !rate || !channels) return std::nullopt;
    fp.duration_s = duration.get<double>();
    fp.sample_rate = static_cast<int>(*rate);
    fp.channels = static_cast<int>(*channels);
    fp.codec = audio.at("codec").get<std::string>();
    if (!std::isfinite(fp.duration_s) || fp.duration_s <= 0 || fp.codec.empty() ||
        fp.codec.size() > 64) {
      return std::nullopt;
    }
    return fp;
  } catch (const json::exception&) {
    return std::nullopt;  // a field missing or of the wrong type: not ours, or damaged
  }
}

std::optional<std::string> write_sidecar(const std::string& audio_path, std::int64_t size,
                                         std::int64_t mtime_ns, const Fingerprint& fp,
                                         const std::string& generated_at,
                                         const std::vector<std::string>& real_roots) {
  std::error_code ec;
  const std::string folder =
      std::filesystem::canonical(std::filesystem::path(audio_path).parent_path(), ec).string();
  if (ec) return "cannot write sidecar: " + ec.message();
  const bool inside = std::any_of(real_roots.begin(), real_roots.end(), [&](const std::string& r) {
    return folder == r || (folder.starts_with(r) && (r == "/" || folder[r.size()] == '/'));
  });
  if (!inside) {
    return "sidecar not written: the file's folder is outside the scanned folders (reached "
           "through a symlink)";
  }
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
       {{"engine_version", std::string(engine_version())},
        {"fingerprint_version", fp.version},
        {"numbers_version", kNumbersVersion}}},
      {"audio",
       {{"duration_s", fp.duration_s},
        {"sample_rate", fp.sample_rate},
        {"channels", fp.channels},
        {"codec", fp.codec}}},
      {"fingerprint", values},
  };
  const std::string text = json_text(doc, 2) + "\n";
  const std::string target = sidecar_path(audio_path);
  // A name no one else uses, created here (O_EXCL) and never through a symlink (O_NOFOLLOW).
  static std::atomic<unsigned> counter{0};
  const std::string temporary =
      target + ".tmp" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  const int fd =
      open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return std::string("cannot write sidecar: ") + std::strerror(errno);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  const int write_errno = errno;
  // rename() replaces a symlink at `target` itself; it never follows it.
  if (close(fd) != 0 || written != text.size() ||
      std::rename(temporary.c_str(), target.c_str()) != 0) {
    const int error = written != text.size() ? write_errno : errno;
    std::remove(temporary.c_str());
    return std::string("cannot write sidecar: ") + std::strerror(error);
  }
  return std::nullopt;
}

}  // namespace trackprint::library
