#include "similarity/metric.hpp"

#include <cmath>

namespace trackprint::similarity {
namespace {

constexpr std::string_view kZscoreSuffix = "-zscore";

}  // namespace

std::optional<MetricSpec> metric_spec(std::string_view name) {
  MetricSpec spec;
  spec.name = std::string(name);
  std::string_view preset = name;
  if (name.ends_with(kZscoreSuffix)) {
    preset.remove_suffix(kZscoreSuffix.size());
    spec.normalisation = Normalisation::zscore;
  }
  const auto weights = weight_preset(preset);
  if (!weights) return std::nullopt;
  spec.weights = *weights;
  return spec;
}

std::vector<std::string> metric_names() {
  std::vector<std::string> names;
  for (const std::string_view p : kWeightPresets) names.emplace_back(p);
  for (const std::string_view p : kWeightPresets) names.push_back(std::string(p) + "-zscore");
  return names;
}

Metric fit_metric(const MetricSpec& spec, std::span<const double> raw_rows) {
  return Metric{spec.name, fit_normaliser(spec.normalisation, raw_rows), spec.weights};
}

double squared_distance(const Weights& w, const double* a, const double* b) {
  double sum = 0;
  for (std::size_t i = 0; i < kDimensionCount; ++i) {
    const double d = a[i] - b[i];
    sum += w[i] * (d * d);
  }
  return sum;
}

double distance(const Weights& w, const double* a, const double* b) {
  return std::sqrt(squared_distance(w, a, b));
}

std::array<double, kDimensionCount> distance_shares(const Weights& w, const double* a,
                                                    const double* b) {
  std::array<double, kDimensionCount> shares{};
  const double total = squared_distance(w, a, b);
  if (total <= 0) return shares;
  for (std::size_t i = 0; i < kDimensionCount; ++i) {
    const double d = a[i] - b[i];
    shares[i] = w[i] * (d * d) / total;
  }
  return shares;
}

StoredMetric to_stored(const Metric& m) {
  StoredMetric s;
  s.name = m.name;
  s.normalisation = std::string(to_string(m.normaliser.kind));
  s.centre = m.normaliser.centre;
  s.scale = m.normaliser.scale;
  s.weight = m.weights;
  return s;
}

std::optional<Metric> from_stored(const StoredMetric& s) {
  Metric m;
  m.name = s.name;
  if (s.normalisation == "minmax") {
    m.normaliser.kind = Normalisation::minmax;
  } else if (s.normalisation == "zscore") {
    m.normaliser.kind = Normalisation::zscore;
  } else {
    return std::nullopt;
  }
  m.normaliser.centre = s.centre;
  m.normaliser.scale = s.scale;
  m.weights = s.weight;
  return m;
}

}  // namespace trackprint::similarity
