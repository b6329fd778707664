// The similarity metric: a normalisation fitted on the library and a weight preset. The
// distance between two normalised rows a and b is sqrt(sum_i w_i (a_i - b_i)^2), summed in
// spec order in double precision: that formula, evaluated exactly so, is what every search,
// graph, playlist and test compares against.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "similarity/normalisation.hpp"
#include "similarity/weights.hpp"
#include "trackprint/library.hpp"

namespace trackprint::similarity {

// A metric by name: a weight preset ("auralis", "equal"), normalised by robust min-max, or
// with "-zscore" ("auralis-zscore") by z-score.
struct MetricSpec {
  std::string name;
  Weights weights{};
  Normalisation normalisation = Normalisation::minmax;
};
std::optional<MetricSpec> metric_spec(std::string_view name);
std::vector<std::string> metric_names();

struct Metric {
  std::string name;
  Normaliser normaliser;
  Weights weights{};
};

Metric fit_metric(const MetricSpec& spec, std::span<const double> raw_rows);

double squared_distance(const Weights& w, const double* a, const double* b);
double distance(const Weights& w, const double* a, const double* b);
// Each dimension's share of the squared distance (they sum to 1; all 0 for a zero distance).
std::array<double, kDimensionCount> distance_shares(const Weights& w, const double* a,
                                                    const double* b);

// The metric as the store keeps it, and back (nullopt: not a metric this build reads).
StoredMetric to_stored(const Metric& m);
std::optional<Metric> from_stored(const StoredMetric& m);

}  // namespace trackprint::similarity
