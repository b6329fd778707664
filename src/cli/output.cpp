#include "cli/output.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "trackprint/trackprint.hpp"

namespace trackprint::cli {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

void add_fingerprint_fields(Json& object, const Fingerprint& fp) {
  for (std::size_t i = 0; i < kDimensionCount; ++i) {
    object[std::string(kDimensions[i].name)] = fp.values[i];
  }
  object["duration_s"] = fp.duration_s;
  object["sample_rate"] = fp.sample_rate;
  object["channels"] = fp.channels;
  object["codec"] = fp.codec;
}

void print_json_line(std::FILE* out, const Json& value) {
  const std::string line = library::json_text(value) + "\n";
  std::fputs(line.c_str(), out);
}

namespace {

void print_json(std::FILE* out, const std::string& path, const Fingerprint& fp) {
  Json object = Json::object();
  library::set_path(object, "path", path);
  add_fingerprint_fields(object, fp);
  object["version"] = fp.version;
  object["engine_version"] = std::string(engine_version());
  print_json_line(out, object);
}

void print_csv(std::FILE* out, const std::string& path, const Fingerprint& fp) {
  std::string line = csv_field(path);
  const auto field = [&line](const std::string& value) {
    line += ',';
    line += value;
  };
  for (double v : fp.values) field(number_text(v));
  field(number_text(fp.duration_s));
  field(std::to_string(fp.sample_rate));
  field(std::to_string(fp.channels));
  field(csv_field(fp.codec));
  field(std::to_string(fp.version));
  field(std::string(engine_version()));
  line += '\n';
  std::fputs(line.c_str(), out);
}

void print_table(std::FILE* out, const std::string& path, const Fingerprint& fp) {
  std::fprintf(out, "%s\n  %s, %d Hz, %d ch, %.2f s, fingerprint v%d\n", path.c_str(),
               fp.codec.empty() ? "samples" : fp.codec.c_str(), fp.sample_rate, fp.channels,
               fp.duration_s, fp.version);
  std::string_view family;
  for (std::size_t i = 0; i < kDimensionCount; ++i) {
    const DimensionInfo& d = kDimensions[i];
    if (d.family != family) {
      family = d.family;
      std::fprintf(out, "  %.*s\n", static_cast<int>(family.size()), family.data());
    }
    std::fprintf(out, "    %-24.*s %12.6g  %.*s\n", static_cast<int>(d.name.size()), d.name.data(),
                 fp.values[i], static_cast<int>(d.unit.size()), d.unit.data());
  }
}

}  // namespace

std::string number_text(double v) {
  if (!std::isfinite(v)) return "null";  // JSON has no infinity (only unbounded ranges are)
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return ec == std::errc{} ? std::string(buf.data(), end) : std::string("null");
}

void print_csv_header(std::FILE* out) {
  std::string line = "path";
  for (const auto& d : kDimensions) {
    line += ',';
    line += d.name;
  }
  line += ",duration_s,sample_rate,channels,codec,version,engine_version\n";
  std::fputs(line.c_str(), out);
}

void print_fingerprint(std::FILE* out, Format format, const std::string& path,
                       const Fingerprint& fp) {
  switch (format) {
    case Format::json:
      print_json(out, path, fp);
      break;
    case Format::csv:
      print_csv(out, path, fp);
      break;
    case Format::table:
      print_table(out, path, fp);
      break;
  }
  std::fflush(out);
}

}  // namespace trackprint::cli
