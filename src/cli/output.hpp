// How the commands print fingerprints: a table for people, JSON Lines and CSV for programs.
// Keys and columns are the spec's dimension names, from the one dimension table. JSON goes
// through library/json_text.hpp, like every JSON trackprint writes.
#pragma once

#include <cstdio>
#include <string>

#include "library/json_text.hpp"
#include "trackprint/fingerprint.hpp"

namespace trackprint::cli {

using library::Json;

enum class Format { table, json, csv };

// Shortest decimal text that reads back to the same double (std::to_chars), for CSV; "null"
// for a non-finite value.
std::string number_text(double v);
// A CSV field, quoted only when it must be.
std::string csv_field(const std::string& s);

// Appends the 25 values under the spec's names, then duration_s, sample_rate, channels, codec.
void add_fingerprint_fields(Json& object, const Fingerprint& fp);
// Writes `value` as one line of JSON (JSON Lines).
void print_json_line(std::FILE* out, const Json& value);

void print_csv_header(std::FILE* out);
void print_fingerprint(std::FILE* out, Format format, const std::string& path,
                       const Fingerprint& fp);

}  // namespace trackprint::cli
