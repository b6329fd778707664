// Fuzz target: any bytes as an audio file, decoded from memory (FFmpeg custom I/O) and
// analysed. A clear Failure is the expected answer to garbage; a crash, a sanitizer report, an
// escaping exception (an internal error) or a non-finite value is a defect.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <span>
#include <vector>

#include "analysis/routes.hpp"
#include "io/decoder.hpp"
#include "trackprint/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trackprint;
  // Short enough that one input never takes more than a few seconds to analyse.
  constexpr double kMaxSeconds = 30;
  try {
    io::Decoder decoder(std::span<const std::uint8_t>(data, size), "fuzz input", kMaxSeconds);
    analysis::SignalBuilder signal(decoder.info().sample_rate, decoder.info().speakers);
    std::vector<std::vector<float>> block;
    while (decoder.next_block(block)) signal.add(block);
    signal.finish();
    const Fingerprint fp = analysis::fingerprint_of(signal);
    for (const double v : fp.values) {
      if (!std::isfinite(v)) std::abort();
    }
  } catch (const Failure&) {
    // the answer to a bad file
  } catch (const std::bad_alloc&) {
  }
  return 0;
}
