// The held route: y is kept whole and read twice, first by the STFT families and the sample
// families (these on a second thread when one is allowed), then by the chroma, which needs the
// whole track's tuning.
#include <future>

#include "analysis/routes.hpp"
#include "analysis/sample_families.hpp"
#include "analysis/stft_families.hpp"

namespace trackprint::analysis {

Fingerprint fingerprint_of(const SignalBuilder& signal, int threads) {
  const std::vector<float>& y = signal.y();
  require_length(y.size());
  // Every family writes only its own elements of fp.values (distinct objects, so no race), and
  // each dimension is computed by the same code either way: the output is byte-identical for
  // any thread count. fp is declared first so that it outlives the side thread's future, whose
  // destructor waits for it even when the code below throws.
  Fingerprint fp;
  const auto measure_samples = [&y, &fp] {
    SampleFamilies samples;
    samples.push(y);
    samples.finish(fp);
  };
  std::future<void> side;
  if (threads > 1) {
    side = std::async(std::launch::async, measure_samples);
  } else {
    measure_samples();
  }
  fp[Dim::lufs] = signal.lufs();
  StftFamilies stft(StftFamilies::Pass::one, y.size());
  stft.push(y);
  stft.finish(fp);
  features::ChromaFamily chroma(stft.tuning());
  chroma.push(y);
  chroma.finish(fp);
  signal.stereo().finish(fp);
  if (side.valid()) side.get();  // rethrows what the side thread threw
  require_finite(fp);
  return fp;
}

}  // namespace trackprint::analysis
