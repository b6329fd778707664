#include "trackprint/dimensions.hpp"

namespace trackprint {

std::optional<Dim> dimension_named(std::string_view name) {
  for (std::size_t i = 0; i < kDimensions.size(); ++i) {
    if (kDimensions[i].name == name) return static_cast<Dim>(i);
  }
  return std::nullopt;
}

}  // namespace trackprint
