// Arrays embedded in a page as base64 text: the page's script turns them back into typed arrays
// (float32 little-endian, or bytes), which is a third of the size of the same numbers as JSON.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace trackprint::report {

std::string base64(std::span<const std::uint8_t> bytes);
// Each value as 4 little-endian bytes of IEEE float32 (NaN stays NaN).
std::string base64_float32(std::span<const float> values);
// Each value as 4 little-endian bytes.
std::string base64_uint32(std::span<const std::uint32_t> values);

}  // namespace trackprint::report
