// The similarity commands: similar, playlist, duplicates (docs/similarity.md). Each runs from
// an option struct filled by a parser, and returns the process's exit status.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "trackprint/library.hpp"

namespace trackprint::cli {

struct SimilarCommand {
  std::string db = default_library_path();
  std::vector<std::string> seeds;  // paths or ids; none with `all`
  std::size_t n = 10;
  std::string metric = "auralis";
  bool explain = false;  // each dimension's share of every distance
  bool json = false;     // JSON Lines: one object per seed
  bool all = false;      // every analysed track as a seed: the kNN graph
};
int run_similar(const SimilarCommand& c);

struct PlaylistCommand {
  std::string db = default_library_path();
  std::vector<std::string> seeds;
  std::vector<std::string> to;  // a sonic path through these, in order
  std::size_t n = 30;
  std::string metric = "auralis";
  int max_per_artist = 0;
  int max_per_album = 0;
  double min_distance = 0;
  std::string output;  // FILE.m3u8; empty: the playlist on stdout
  bool json = false;   // JSON Lines, one object per entry, instead of M3U8
};
int run_playlist(const PlaylistCommand& c);

struct DuplicatesCommand {
  std::string db = default_library_path();
  bool json = false;
};
int run_duplicates(const DuplicatesCommand& c);

// Until the command line moves to CLI11: main's hand-written parsing of the same options.
int similar_from_arguments(const std::vector<std::string>& args);
int playlist_from_arguments(const std::vector<std::string>& args);
int duplicates_from_arguments(const std::vector<std::string>& args);

}  // namespace trackprint::cli
