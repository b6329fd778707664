// The one JSON writer (library/json_text.hpp): every double reads back to the same bits, the
// output is valid UTF-8 for any bytes, and a file name that is not UTF-8 is given back exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "library/json_text.hpp"

namespace trackprint::library {
namespace {

TEST(JsonText, EveryFiniteDoubleReadsBackToTheSameBits) {
  std::vector<double> values = {0.0,
                                -0.0,
                                1.0,
                                0.1,
                                1.0 / 3.0,
                                5e-324,
                                2.2250738585072014e-308,
                                1e-5,
                                1e16,
                                -1.5e300,
                                std::numeric_limits<double>::max(),
                                9.539221754368624e-05};
  std::mt19937_64 random(7);
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t bits = random();
    double v = 0;
    static_assert(sizeof v == sizeof bits);
    std::memcpy(&v, &bits, sizeof v);
    if (std::isfinite(v)) values.push_back(v);
  }
  for (const double v : values) {
    const std::string text = json_text(Json(v));
    const double back = std::strtod(text.c_str(), nullptr);
    EXPECT_EQ(std::memcmp(&back, &v, sizeof v), 0) << text;
  }
  EXPECT_EQ(json_text(Json(1.0)), "1.0");  // documented: an integral double keeps ".0"
}

TEST(JsonText, NotFiniteIsNull) {
  EXPECT_EQ(json_text(Json(std::nan(""))), "null");
  EXPECT_EQ(json_text(Json(-std::numeric_limits<double>::infinity())), "null");
}

TEST(JsonText, AUtf8PathIsWrittenAsItIs) {
  Json object = Json::object();
  set_path(object, "path", "/music/Caf\xc3\xa9 \xe2\x99\xab \"live\".flac");
  EXPECT_EQ(json_text(object), "{\"path\":\"/music/Caf\xc3\xa9 \xe2\x99\xab \\\"live\\\".flac\"}");
}

TEST(JsonText, APathThatIsNotUtf8KeepsItsBytesBesideTheText) {
  const std::string path =
      "/m/\xff"
      "a\xe9.flac";
  Json object = {{"id", 3}};
  set_path(object, "store", path);
  EXPECT_EQ(json_text(object),
            "{\"id\":3,\"store\":\"/m/\xef\xbf\xbd"
            "a\xef\xbf\xbd.flac\","
            "\"store_bytes\":[47,109,47,255,97,233,46,102,108,97,99]}");
}

TEST(JsonText, AnyOtherStringIsMadeValidUtf8) {
  EXPECT_EQ(json_text(Json("bad \xc3 byte")), "\"bad \xef\xbf\xbd byte\"");
}

}  // namespace
}  // namespace trackprint::library
