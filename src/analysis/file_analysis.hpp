// What the library's scan asks of the engine beyond the public entry points: a file's
// fingerprint and its tags from one open of the file, and the tags alone (for a fingerprint
// that came from a sidecar). Failures are Errors, as from trackprint::analyze_file.
#pragma once

#include <string>

#include "trackprint/fingerprint.hpp"
#include "trackprint/tags.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint::analysis {

struct FileAnalysis {
  Fingerprint fingerprint;
  Tags tags;
};

// trackprint::analyze_file, also handing back the file's tags.
Result<FileAnalysis> analyze_file_and_tags(const std::string& path,
                                           const AnalysisOptions& options = {});
// The tags alone, from a probe of the container.
Result<Tags> read_tags(const std::string& path);

}  // namespace trackprint::analysis
