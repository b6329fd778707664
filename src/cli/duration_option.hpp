// The value of --max-duration (analyze, scan): seconds, more than 0.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace trackprint::cli {

inline std::optional<double> duration_value(const std::string& text) {
  char* end = nullptr;
  const double s = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(s > 0) || s > 1e9) return std::nullopt;
  return s;
}

}  // namespace trackprint::cli
