// Finds the audio files under a scan's roots: recursive, following symlinks, each directory
// once (a symlink loop is reported, never followed round), unreadable folders reported and
// skipped. A file is a candidate by its extension; opening it (the analysis) confirms it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "trackprint/error.hpp"

namespace trackprint::library {

struct FoundFile {
  std::string path;  // absolute, symlinks kept as walked
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
};

struct WalkResult {
  std::vector<FoundFile> files;  // in walk order: roots as given, then names sorted
  std::vector<Error> errors;     // unreadable folders, broken links, loops
  // Folders whose contents are unknown: their tracks in the store must not be called missing.
  std::vector<std::string> unreadable_dirs;
};

// The absolute, lexically normal form of a path, without a trailing slash.
std::string absolute_path(const std::string& path);

// `path` is `root` or lies inside it.
bool is_under(const std::string& path, const std::string& root);

// True for the extensions of the formats FFmpeg decodes that music comes in.
bool has_audio_extension(const std::string& path);

// Walks every root; `keep_going` is called after each file found and stops the walk on false.
WalkResult walk(const std::vector<std::string>& absolute_roots,
                const std::function<bool(std::int64_t found)>& keep_going);

}  // namespace trackprint::library
