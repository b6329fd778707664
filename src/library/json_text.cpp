#include "library/json_text.hpp"

#include <cstdint>
#include <vector>

namespace trackprint::library {
namespace {

// nlohmann's own UTF-8 check (the strict serializer refuses what the replacing one mends), so
// `_bytes` appears exactly when the text field had to be mended.
bool is_utf8(const std::string& text) {
  try {
    (void)Json(text).dump();
    return true;
  } catch (const Json::type_error&) {
    return false;
  }
}

}  // namespace

void set_path(Json& object, const std::string& key, const std::string& path) {
  object[key] = path;
  if (!is_utf8(path)) {
    object[key + "_bytes"] = std::vector<std::uint8_t>(path.begin(), path.end());
  }
}

std::string json_text(const Json& value, int indent) {
  return value.dump(indent, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

}  // namespace trackprint::library
