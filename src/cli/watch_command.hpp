// `trackprint watch`: a scan, then the store kept current as files change (Library::watch),
// one line or JSON event per change.
#pragma once

#include <string>
#include <vector>

namespace trackprint::cli {

int run_watch(const std::vector<std::string>& args);

}  // namespace trackprint::cli
