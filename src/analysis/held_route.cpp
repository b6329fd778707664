// The held route: y is kept whole and read twice, first by the STFT families and the sample
// families, then by the chroma, which needs the whole track's tuning. On one thread the file is
// decoded first and y then read in order; on two, decoding and analysis overlap (see below).
#include <exception>
#include <future>
#include <memory>
#include <utility>

#include "analysis/block_worker.hpp"
#include "analysis/routes.hpp"
#include "analysis/sample_families.hpp"
#include "analysis/stft_families.hpp"

namespace trackprint::analysis {

Fingerprint fingerprint_of(const SignalBuilder& signal, int threads, Trace* trace) {
  const std::vector<float>& y = signal.y();
  require_length(y.size());
  // Every family writes only its own elements of fp.values (distinct objects, so no race), and
  // each dimension is computed by the same code either way: the output is byte-identical for
  // any thread count. fp is declared first so that it outlives the side thread's future, whose
  // destructor waits for it even when the code below throws.
  Fingerprint fp;
  const auto measure_samples = [&y, &fp, trace] {
    SampleFamilies samples;
    samples.trace_into(trace);
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
  StftFamilies stft(StftFamilies::Pass::one);
  stft.trace_into(trace);
  stft.push(y);
  stft.finish(fp, y.size());
  features::ChromaFamily chroma(stft.tuning());
  chroma.trace_into(trace);
  chroma.push(y);
  chroma.finish(fp);
  signal.stereo().finish(fp);
  if (side.valid()) side.get();  // rethrows what the side thread threw
  require_finite(fp);
  if (trace != nullptr) signal.write_loudness(*trace);
  return fp;
}

// Two threads. While this one decodes (and measures loudness, resamples, sums the stereo
// moments), the other takes y's blocks as they are made: the STFT families and the sample
// families but YIN. Then, with y whole, this thread finishes the STFT families (the tuning),
// decimates the CQT's octaves and makes the first half of the chroma frames, while the other
// runs YIN over every frame and then makes the second half. Every family is fed the samples
// and frames of the one-thread route and sums them in the same order: the same bits.
Fingerprint fingerprint_held(io::Decoder& decoder) {
  const io::StreamInfo& info = decoder.info();
  Fingerprint fp;  // first: it outlives the side thread
  SignalBuilder signal(info.sample_rate, info.speakers);
  signal.reserve_y(info.declared_duration_s);
  StftFamilies stft(StftFamilies::Pass::one);
  SampleFamilies samples(SampleFamilies::Pitch::apart);
  {
    BlockWorker side([&](std::span<const float> y) {
      stft.push(y);
      samples.push(y);
    });
    signal.tap_y([&side](std::span<const float> y) { side.push(y); });
    decode_into(decoder, signal);
    side.finish();
  }
  const std::vector<float>& y = signal.y();
  require_length(y.size());

  std::promise<std::shared_ptr<const features::HeldChroma>> chroma_made;
  std::shared_future<std::shared_ptr<const features::HeldChroma>> chroma =
      chroma_made.get_future().share();
  std::future<std::vector<float>> second_half = std::async(std::launch::async, [&y, &fp, chroma] {
    features::PitchFamily pitch;
    features::PitchFamily::measure(pitch.f0_of(y, 0, pitch.frame_count(y.size())), fp);
    const std::shared_ptr<const features::HeldChroma> held = chroma.get();
    return held->chroma(held->frame_count() / 2, held->frame_count());
  });
  features::ChromaEnergy energy;
  bool made = false;
  try {
    samples.finish(fp);
    stft.finish(fp, y.size());
    auto held = std::make_shared<const features::HeldChroma>(stft.tuning(), y);
    chroma_made.set_value(held);
    made = true;
    energy.add(held->chroma(0, held->frame_count() / 2));
  } catch (...) {
    if (!made) chroma_made.set_exception(std::current_exception());
    second_half.wait();
    throw;
  }
  energy.add(second_half.get());  // rethrows what the side thread threw
  energy.finish(fp);
  fp[Dim::lufs] = signal.lufs();
  signal.stereo().finish(fp);
  require_finite(fp);
  fp.duration_s = static_cast<double>(signal.native_frames()) / info.sample_rate;
  return fp;
}

}  // namespace trackprint::analysis
