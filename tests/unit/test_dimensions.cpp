#include <gtest/gtest.h>

#include <set>
#include <string>

#include "trackprint/dimensions.hpp"

namespace trackprint {
namespace {

TEST(Dimensions, TableHasTheSpecsTwentyFiveNamesInOrder) {
  ASSERT_EQ(kDimensions.size(), 25u);
  EXPECT_EQ(kDimensions.front().name, "sub_bass_pct");
  EXPECT_EQ(info(Dim::lufs).name, "lufs");
  EXPECT_EQ(info(Dim::chroma_energy).name, "chroma_energy");
  EXPECT_EQ(kDimensions.back().name, "phase_correlation");
  std::set<std::string_view> names;
  for (const auto& d : kDimensions) names.insert(d.name);
  EXPECT_EQ(names.size(), 25u) << "names must be unique";
}

TEST(Dimensions, LookupByNameRoundTrips) {
  for (std::size_t i = 0; i < kDimensions.size(); ++i) {
    const auto d = dimension_named(kDimensions[i].name);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(static_cast<std::size_t>(*d), i);
  }
  EXPECT_FALSE(dimension_named("tempo").has_value());
}

TEST(Dimensions, OnlyTheSpecsDecisionDimensionsMayFlip) {
  for (const auto& d : kDimensions) {
    const bool decision =
        d.name == "tempo_bpm" || d.name == "rhythm_stability" || d.name == "transient_density";
    EXPECT_EQ(d.decision_based, decision) << d.name;
  }
}

}  // namespace
}  // namespace trackprint
