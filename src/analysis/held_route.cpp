// The held route: y is kept whole and read twice, first by the STFT families and the sample
// families, then by the chroma, which needs the whole track's tuning. On one thread the file is
// decoded first and y then read in order; on two, decoding and analysis overlap (see below).
#include <algorithm>
#include <atomic>
#include <exception>
#include <future>
#include <memory>
#include <utility>

#include "analysis/block_worker.hpp"
#include "analysis/routes.hpp"
#include "analysis/sample_families.hpp"
#include "analysis/stft_families.hpp"
#include "dsp/chroma.hpp"

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

// The chroma frames two threads share out a chunk at a time: small enough that the two finish
// together, large enough that claiming one costs nothing (256 frames are about 6 s of audio).
constexpr std::size_t kChromaChunk = 256;

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
  stft.expect_samples(y.size());
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

// Two threads. While this one decodes (and measures loudness, and resamples y and a stereo
// file's side), the other takes y's blocks as they are made: the STFT families, every sample
// family, YIN included, and the stereo family from y and the side. The halving of y octave by
// octave for the CQT goes to whichever thread would otherwise wait (BlockWorker's shared
// consumer): the decoding thread's share is the larger on some files and the smaller on
// others. Then, with y whole, this thread drains the STFT's last frames (the tuning is then
// known) and builds the CQT's kernels (the octaves' signals are made: no tuning shapes them),
// while the other finishes the sample and STFT families (the tempo, the beats, HPSS). Both
// then take the chroma's frames a chunk at a time, whichever is free, and the chunks are summed
// in frame order. Every family is fed the samples and frames of the one-thread route and sums
// them in the same order: the same bits.
Fingerprint fingerprint_held(io::Decoder& decoder, CancelFlag cancel) {
  const io::StreamInfo& info = decoder.info();
  Fingerprint fp;  // first: it outlives the side thread
  SignalBuilder signal(info.sample_rate, info.speakers);
  signal.reserve_y(info.declared_duration_s);
  // Room for what grows with y, by the declared length: at most a held file's (a pipe's header
  // may declare anything).
  const auto expected = std::min(
      signal.y_reserved(), static_cast<std::size_t>(kHoldSignalSeconds * features::kAnalysisRate));
  StftFamilies stft(StftFamilies::Pass::one);
  stft.cancel_on(cancel);
  stft.expect_samples(expected);
  SampleFamilies samples;
  MidSideStereo stereo;  // of a stereo file, on the side thread: its L and R from y and the side
  bool stereo_here = false;  // set before the first block
  dsp::OctaveSignalStream octaves(dsp::chroma_octave_layout(features::kAnalysisRate));
  octaves.reserve(expected);
  {
    BlockWorker side(
        [&](BlockWorker::Stream stream, std::span<const float> x) {
          if (stream == BlockWorker::Stream::side) {
            stereo.push_side(x);
            return;
          }
          stft.push(x);
          samples.push(x);
          if (stereo_here) stereo.push_mid(x);
        },
        [&octaves](std::span<const float> x) { octaves.push(x); });
    signal.tap_y([&side](std::span<const float> y) { side.push(y); });
    signal.tap_side([&side](std::span<const float> s) { side.push(s, BlockWorker::Stream::side); });
    stereo_here = signal.side_tapped();
    decode_into(decoder, signal, cancel);
    side.finish();
  }
  const std::vector<float>& y = signal.y();
  require_length(y.size());
  stft.finish_frames();  // before the side thread starts finish(): they share the frame state

  // The chroma is handed over through `held` once `chroma_made` is set (set_value happens
  // before get() returns). A future of the chroma itself would instantiate std::future's
  // result type on an internal class, whose typeinfo libtrackprint.so would then export.
  std::shared_ptr<const features::HeldChroma> held;
  std::promise<void> chroma_made;
  std::shared_future<void> chroma = chroma_made.get_future().share();
  std::vector<std::vector<float>> chunks;  // the chroma of each kChromaChunk frames, in order
  std::atomic<std::size_t> next_chunk{0};
  // Makes chunks until none is left; each chunk is written by the one thread that claimed it.
  const auto take_chunks = [&held, &chunks, &next_chunk, cancel] {
    for (std::size_t i = next_chunk++; i < chunks.size(); i = next_chunk++) {
      cancel.check();
      const std::size_t first = i * kChromaChunk;
      chunks[i] = held->chroma(first, std::min(held->frame_count(), first + kChromaChunk));
    }
  };
  std::future<void> side =
      std::async(std::launch::async, [&fp, &samples, &stft, &y, chroma, &take_chunks] {
        samples.finish(fp);
        stft.finish(fp, y.size());
        chroma.get();
        take_chunks();
      });
  bool made = false;
  try {
    held = std::make_shared<const features::HeldChroma>(stft.tuning(), y, octaves.finish(y));
    chunks.resize((held->frame_count() + kChromaChunk - 1) / kChromaChunk);
    chroma_made.set_value();
    made = true;
    take_chunks();
  } catch (...) {
    if (!made) chroma_made.set_exception(std::current_exception());
    next_chunk = chunks.size();  // the side thread takes no more
    side.wait();
    throw;
  }
  side.get();  // rethrows what the side thread threw
  features::ChromaEnergy energy;
  for (const std::vector<float>& chunk : chunks) energy.add(chunk);
  energy.finish(fp);
  fp[Dim::lufs] = signal.lufs();
  (stereo_here ? stereo.stereo() : signal.stereo()).finish(fp);
  require_finite(fp);
  fp.duration_s = static_cast<double>(signal.native_frames()) / info.sample_rate;
  return fp;
}

}  // namespace trackprint::analysis
