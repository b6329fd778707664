// `.25d` sidecar files (Auralis-style): a track's fingerprint as JSON next to the audio,
// `song.flac` -> `song.flac.25d`, so it travels with the file. A sidecar is trusted only when
// the audio's size and mtime and the fingerprint and engine versions all match this build;
// anything else (absent, unreadable, malformed, stale) means: analyse the file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trackprint/fingerprint.hpp"

namespace trackprint::library {

std::string sidecar_path(const std::string& audio_path);

// The fingerprint of a sidecar that matches the audio's identity and this build's versions.
std::optional<Fingerprint> read_sidecar(const std::string& audio_path, std::int64_t size,
                                        std::int64_t mtime_ns);
// The same from the sidecar's text: nullopt unless it is well formed, matches, and every value
// lies in its dimension's range (kDimensions) and the audio fields in trackprint's limits.
std::optional<Fingerprint> parse_sidecar(std::string_view text, std::int64_t size,
                                         std::int64_t mtime_ns);

// Writes the sidecar whole (a new temporary file renamed over it, so a reader or a crash never
// sees half of one, and no symlink is written through); the reason when it cannot. It is
// written only when the audio's folder, symlinks resolved, lies inside one of `real_roots`
// (the scanned folders, resolved): a folder reached through a symlink to elsewhere is left as
// it is.
std::optional<std::string> write_sidecar(const std::string& audio_path, std::int64_t size,
                                         std::int64_t mtime_ns, const Fingerprint& fp,
                                         const std::string& generated_at,
                                         const std::vector<std::string>& real_roots);

}  // namespace trackprint::library
