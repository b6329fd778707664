// `.25d` sidecar files (Auralis-style): a track's fingerprint as JSON next to the audio,
// `song.flac` -> `song.flac.25d`, so it travels with the file. A sidecar is trusted only when
// the audio's size and mtime and the fingerprint and engine versions all match this build;
// anything else (absent, unreadable, malformed, stale) means: analyse the file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "trackprint/fingerprint.hpp"

namespace trackprint::library {

std::string sidecar_path(const std::string& audio_path);

// The fingerprint of a sidecar that matches the audio's identity and this build's versions.
std::optional<Fingerprint> read_sidecar(const std::string& audio_path, std::int64_t size,
                                        std::int64_t mtime_ns);

// Writes the sidecar whole (a temporary file renamed over it); the reason when it cannot.
std::optional<std::string> write_sidecar(const std::string& audio_path, std::int64_t size,
                                         std::int64_t mtime_ns, const Fingerprint& fp,
                                         const std::string& generated_at);

}  // namespace trackprint::library
