// How `trackprint analyze` prints fingerprints: a table for people, JSON Lines and CSV for
// programs. Keys and columns are the spec's dimension names, from the one dimension table.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "trackprint/fingerprint.hpp"

namespace trackprint::cli {

enum class Format { table, json, csv };

// Shortest decimal text that reads back to the same double (std::to_chars); "null" for a
// non-finite value, which JSON cannot carry.
std::string number_text(double v);
// A JSON string literal; a CSV field, quoted only when it must be.
std::string json_string(const std::string& s);
std::string csv_field(const std::string& s);

// One JSON object, fields in the order they are added; values are JSON text already
// (json_string, number_text, a number or a literal).
class JsonObject {
 public:
  void field(std::string_view key, const std::string& value);
  std::string text() const { return text_ + "}"; }

 private:
  std::string text_ = "{";
};

// The 25 values under the spec's names, then duration_s, sample_rate, channels and codec.
void add_fingerprint_fields(JsonObject& object, const Fingerprint& fp);

void print_csv_header(std::FILE* out);
void print_fingerprint(std::FILE* out, Format format, const std::string& path,
                       const Fingerprint& fp);

}  // namespace trackprint::cli
