// The real-music corpus for the unit tests: its folder from TRACKPRINT_CORPUS (scripts/test sets
// it), the tracks of one tier from the manifest scripts/corpus writes (flac/ holds more when the
// corpus was built for the benchmarks), and a missing corpus failing in CI instead of skipping.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace trackprint::test {

// CI set to anything but "", "0" or "false" (.ci/run sets CI=true), as tests/required_inputs.py.
inline bool in_ci() {
  const char* value = std::getenv("CI");
  std::string ci = value != nullptr ? value : "";
  std::transform(ci.begin(), ci.end(), ci.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return !(ci.empty() || ci == "0" || ci == "false");
}

inline std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, '\t');) fields.push_back(field);
  return fields;
}

// The files of `tier`'s tracks, sorted; throws (the test fails, saying why) when the manifest is
// missing, has no tier column (an older builder wrote it) or lists no track of the tier.
inline std::vector<std::filesystem::path> corpus_tier_tracks(const std::filesystem::path& corpus,
                                                             const std::string& tier) {
  const std::filesystem::path manifest = corpus / "manifest.tsv";
  std::ifstream in(manifest);
  std::string line;
  if (!in || !std::getline(in, line)) throw std::runtime_error(manifest.string() + " is missing");
  const std::vector<std::string> header = split_tabs(line);
  const auto column = [&](const std::string& name) {
    const auto at = std::find(header.begin(), header.end(), name);
    if (at == header.end()) {
      throw std::runtime_error(manifest.string() + " has no " + name +
                               " column (an older corpus builder wrote it): run scripts/corpus");
    }
    return static_cast<std::size_t>(at - header.begin());
  };
  const std::size_t file = column("file");
  const std::size_t tier_column = column("tier");
  std::vector<std::filesystem::path> tracks;
  while (std::getline(in, line)) {
    const std::vector<std::string> row = split_tabs(line);
    if (row.size() == header.size() && row[tier_column] == tier)
      tracks.push_back(corpus / row[file]);
  }
  if (tracks.empty())
    throw std::runtime_error(manifest.string() + " lists no track of tier " + tier);
  std::sort(tracks.begin(), tracks.end());
  return tracks;
}

}  // namespace trackprint::test

// In a test body: `const char* corpus` from TRACKPRINT_CORPUS, or the test skips (outside CI)
// or fails (in CI) saying it is not set.
#define TRACKPRINT_CORPUS_OR_SKIP(corpus)                                        \
  const char* corpus = std::getenv("TRACKPRINT_CORPUS");                         \
  if (corpus == nullptr) {                                                       \
    if (!::trackprint::test::in_ci())                                            \
      GTEST_SKIP() << "TRACKPRINT_CORPUS is not set (scripts/test sets it)";     \
    FAIL() << "TRACKPRINT_CORPUS is not set, and CI is: a missing corpus fails"; \
  }
