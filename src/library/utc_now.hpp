// The time stamps the store keeps (analysed_at, a metric's fitted_at): UTC, ISO 8601, seconds.
#pragma once

#include <string>

namespace trackprint::library {

std::string utc_now();  // "2026-11-25T03:42:53Z"

}  // namespace trackprint::library
