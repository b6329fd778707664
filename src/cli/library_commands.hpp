// The library's commands: scan, status, show, export (the store: docs/store.md).
#pragma once

#include <string>
#include <vector>

namespace trackprint::cli {

// Each returns the process's exit status; usage errors are reported through `usage_error`.
int run_scan(const std::vector<std::string>& args);
int run_status(const std::vector<std::string>& args);
int run_show(const std::vector<std::string>& args);
int run_export(const std::vector<std::string>& args);

}  // namespace trackprint::cli
