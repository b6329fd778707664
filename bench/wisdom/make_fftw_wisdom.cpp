// bench/wisdom: remakes src/dsp/fftw_wisdom.inc, the FFTW plans the engine is built with.
//
//   make_fftw_wisdom [--add] OUT.inc "PROVENANCE"
//
// Plans every transform the engine makes with FFTW_MEASURE, by fingerprinting a synthetic
// stereo signal (the sizes depend only on the 22050 Hz analysis rate, not on the input), then
// writes FFTW's wisdom for both precisions as C++ string literals. With --add it starts from the
// built-in wisdom, so that only sizes it lacks (a new transform length) are timed and every other
// plan, and so its bits, stays. Run by bench/wisdom/run.
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "dsp/fft.hpp"
#include "trackprint/trackprint.hpp"

int main(int argc, char** argv) {
  const bool add = argc == 4 && std::string(argv[1]) == "--add";
  if (argc != (add ? 4 : 3)) {
    std::cerr << "usage: make_fftw_wisdom [--add] OUT.inc PROVENANCE\n";
    return 2;
  }
  const char* out_path = argv[add ? 2 : 1];
  const char* provenance = argv[add ? 3 : 2];
  namespace dsp = trackprint::dsp;
  dsp::plan_ffts_by_measuring(add ? dsp::WisdomStart::built_in : dsp::WisdomStart::empty);
  if (add && !dsp::built_in_fft_wisdom_accepted()) {
    std::cerr << "make_fftw_wisdom: FFTW refuses the built-in wisdom here, so there is none to add"
                 " to; remake it whole (without --add)\n";
    return 1;
  }

  // 30 s of 44.1 kHz stereo: two tones and a little noise, so that no stage meets silence.
  constexpr int kRate = 44100;
  constexpr std::size_t kLength = 30 * kRate;
  std::vector<float> left(kLength), right(kLength);
  std::uint32_t noise = 1;
  for (std::size_t i = 0; i < kLength; ++i) {
    noise = noise * 1664525u + 1013904223u;
    const double t = static_cast<double>(i) / kRate;
    const double n = (static_cast<double>(noise >> 8) / (1 << 24) - 0.5) * 0.05;
    left[i] = static_cast<float>(0.3 * std::sin(2 * M_PI * 220 * t) + n);
    right[i] = static_cast<float>(0.3 * std::sin(2 * M_PI * 330 * t) - n);
  }
  const std::span<const float> channels[] = {left, right};
  const auto result = trackprint::analyze_samples(channels, kRate);
  if (!result.ok()) {
    std::cerr << "make_fftw_wisdom: the analysis failed: " << result.error().message() << "\n";
    return 1;
  }

  const dsp::FftWisdom wisdom = dsp::fft_wisdom();
  std::ofstream out(out_path);
  out << "// FFTW wisdom for every transform the engine plans (src/dsp/fft.cpp), both precisions.\n"
         "// "
      << provenance
      << ".\n"
         "// Generated: do not edit. A new wisdom moves last bits: bump kNumbersVersion with it.\n"
         "#pragma once\n\n"
         "namespace trackprint::dsp {\n"
         "inline constexpr const char* kFftwFloatWisdom = R\"fftw("
      << wisdom.float_wisdom
      << ")fftw\";\n"
         "inline constexpr const char* kFftwDoubleWisdom = R\"fftw("
      << wisdom.double_wisdom << ")fftw\";\n}  // namespace trackprint::dsp\n";
  if (!out.flush()) {
    std::cerr << "make_fftw_wisdom: cannot write " << out_path << "\n";
    return 1;
  }
  return 0;
}
