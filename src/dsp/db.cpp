#include "dsp/db.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace trackprint::dsp {

void power_to_db(std::span<const float> s, std::span<float> out, float ref, double amin,
                 std::optional<double> top_db) {
  if (out.size() != s.size()) throw std::invalid_argument("power_to_db: size mismatch");
  if (amin <= 0) throw std::invalid_argument("power_to_db: amin must be strictly positive");
  // numpy (NEP 50): a Python float next to a float32 array is a float32.
  const auto amin_f = static_cast<float>(amin);
  const float ref_db = 10.0f * std::log10(std::max(amin_f, std::abs(ref)));
  for (std::size_t i = 0; i < s.size(); ++i) {
    out[i] = 10.0f * std::log10(std::max(amin_f, s[i])) - ref_db;
  }
  if (top_db && !out.empty()) {
    if (*top_db < 0) throw std::invalid_argument("power_to_db: top_db must be non-negative");
    const float floor_db = *std::max_element(out.begin(), out.end()) - static_cast<float>(*top_db);
    for (float& v : out) v = std::max(v, floor_db);
  }
}

std::vector<float> power_to_db(std::span<const float> s, float ref, double amin,
                               std::optional<double> top_db) {
  std::vector<float> out(s.size());
  power_to_db(s, out, ref, amin, top_db);
  return out;
}

std::vector<float> amplitude_to_db(std::span<const float> s, float ref, double amin,
                                   std::optional<double> top_db) {
  std::vector<float> power(s.size());
  std::transform(s.begin(), s.end(), power.begin(), [](float v) { return v * v; });
  const float ref_abs = std::abs(ref);
  power_to_db(power, power, ref_abs * ref_abs, amin * amin, top_db);
  return power;
}

}  // namespace trackprint::dsp
