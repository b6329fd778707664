// The held route: y is kept whole and read twice, first by the STFT families and the sample
// families, then by the chroma, which needs the whole track's tuning. On one thread the file is
// decoded first and y then read in order; on two, decoding and analysis overlap (see below).
#include <algorithm>
#include <exception>
#include <future>
#include <memory>
#include <utility>

#include "analysis/block_worker.hpp"
#include "analysis/routes.hpp"
#include "analysis/sample_families.hpp"
#include "analysis/stft_families.hpp"

namespace trackprint::analysis {
namespace {

// A held y goes to a family in chunks, with a check of `cancel` before each; the families take
// blocks of any size and sum them in the same order, so the bits are those of one push.
template <class Push>
void push_in_chunks(std::span<const float> y, CancelFlag cancel, Push&& push) {
  for (std::size_t at = 0; at < y.size(); at += kCancelChunk) {
    cancel.check();
    push(y.subspan(at, std::min(kCancelChunk, y.size() - at)));
  }
}

// YIN's frames and the chroma's, a range at a time with a check between: each frame is computed
// on its own, so the series is the same. 1024 frames are about 24 s of audio.
constexpr std::size_t kFramesBetweenChecks = 1024;

template <class Range>
void in_frame_ranges(std::size_t first, std::size_t last, CancelFlag cancel, Range&& range) {
  for (std::size_t t = first; t < last; t += kFramesBetweenChecks) {
    cancel.check();
    range(t, std::min(last, t + kFramesBetweenChecks));
  }
}

}  // namespace

Fingerprint fingerprint_of(const SignalBuilder& signal, int threads, Trace* trace,
                           CancelFlag cancel) {
  const std::vector<float>& y = signal.y();
  require_length(y.size());
  // Every family writes only its own elements of fp.values (distinct objects, so no race), and
  // each dimension is computed by the same code either way: the output is byte-identical for
  // any thread count. fp is declared first so that it outlives the side thread's future, whose
  // destructor waits for it even when the code below throws.
  Fingerprint fp;
  const auto measure_samples = [&y, &fp, trace, cancel] {
    SampleFamilies samples;
    samples.trace_into(trace);
    push_in_chunks(y, cancel, [&samples](std::span<const float> c) { samples.push(c); });
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
  stft.cancel_on(cancel);
  push_in_chunks(y, cancel, [&stft](std::span<const float> c) { stft.push(c); });
  stft.finish(fp, y.size());
  features::ChromaFamily chroma(stft.tuning());
  chroma.trace_into(trace);
  push_in_chunks(y, cancel, [&chroma](std::span<const float> c) { chroma.push(c); });
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
Fingerprint fingerprint_held(io::Decoder& decoder, CancelFlag cancel) {
  const io::StreamInfo& info = decoder.info();
  Fingerprint fp;  // first: it outlives the side thread
  SignalBuilder signal(info.sample_rate, info.speakers);
  signal.reserve_y(info.declared_duration_s);
  StftFamilies stft(StftFamilies::Pass::one);
  stft.cancel_on(cancel);
  SampleFamilies samples(SampleFamilies::Pitch::apart);
  {
    BlockWorker side([&](std::span<const float> y) {
      stft.push(y);
      samples.push(y);
    });
    signal.tap_y([&side](std::span<const float> y) { side.push(y); });
    decode_into(decoder, signal, cancel);
    side.finish();
  }
  const std::vector<float>& y = signal.y();
  require_length(y.size());

  // The chroma is handed over through `held` once `chroma_made` is set (set_value happens
  // before get() returns). A future of the chroma itself would instantiate std::future's
  // result type on an internal class, whose typeinfo libtrackprint.so would then export.
  std::shared_ptr<const features::HeldChroma> held;
  std::promise<void> chroma_made;
  std::shared_future<void> chroma = chroma_made.get_future().share();
  // The chroma frames from `first` to `last`.
  const auto chroma_of = [cancel](const features::HeldChroma& source, std::size_t first,
                                  std::size_t last) {
    std::vector<float> out;
    in_frame_ranges(first, last, cancel, [&](std::size_t a, std::size_t b) {
      const std::vector<float> part = source.chroma(a, b);
      out.insert(out.end(), part.begin(), part.end());
    });
    return out;
  };
  std::future<std::vector<float>> second_half =
      std::async(std::launch::async, [&y, &fp, &held, chroma, cancel, chroma_of] {
        features::PitchFamily pitch;
        std::vector<double> f0;
        in_frame_ranges(0, pitch.frame_count(y.size()), cancel, [&](std::size_t a, std::size_t b) {
          const std::vector<double> part = pitch.f0_of(y, a, b);
          f0.insert(f0.end(), part.begin(), part.end());
        });
        features::PitchFamily::measure(std::move(f0), fp);
        chroma.get();
        return chroma_of(*held, held->frame_count() / 2, held->frame_count());
      });
  features::ChromaEnergy energy;
  bool made = false;
  try {
    samples.finish(fp);
    stft.finish(fp, y.size());
    held = std::make_shared<const features::HeldChroma>(stft.tuning(), y);
    chroma_made.set_value();
    made = true;
    energy.add(chroma_of(*held, 0, held->frame_count() / 2));
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
