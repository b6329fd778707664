// How trackprint writes JSON (the command line's outputs and the .25d sidecars), through
// nlohmann::json: keys in the order they are set, each double as text that reads back to the
// same bits, and only valid UTF-8. A file name that is not UTF-8 keeps its exact bytes in a
// second field (docs/store.md, "JSON").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace trackprint::library {

using Json = nlohmann::ordered_json;

// object[key] = the path as text, each byte that is not part of valid UTF-8 written as U+FFFD.
// When the path is not valid UTF-8, also object[key + "_bytes"] = its bytes, as an array of
// numbers 0-255, so that a reader gets the name back exactly.
void set_path(Json& object, const std::string& key, const std::string& path);

// The text of `value`: one line when indent < 0, else indented by that many spaces. Any
// string that is not valid UTF-8 is written with U+FFFD in place of its bad bytes.
std::string json_text(const Json& value, int indent = -1);

}  // namespace trackprint::library
