// The streaming path must not depend on how the audio is cut into blocks: a decoder's block
// size is the container's business, not the fingerprint's.
#include <gtest/gtest.h>

#include <vector>

#include "analysis/routes.hpp"
#include "dsp/chroma.hpp"
#include "dsp/resample.hpp"
#include "signals.hpp"

namespace trackprint {
namespace {

std::vector<float> resample_in_chunks(const std::vector<float>& x, double in, double out,
                                      std::size_t chunk) {
  dsp::StreamingResampler r(in, out);
  std::vector<float> y;
  for (std::size_t i = 0; i < x.size(); i += chunk) {
    r.push(std::span<const float>(x).subspan(i, std::min(chunk, x.size() - i)), y);
  }
  r.finish(y);
  return y;
}

TEST(StreamingResampler, AnyChunkingGivesTheOneShotSamples) {
  const auto x = test::white_noise(44100 * 2 + 123, 0.5, 3);
  for (const auto& [in, out] :
       {std::pair{44100.0, 22050.0}, {48000.0, 22050.0}, {8000.0, 22050.0}}) {
    const std::vector<float> once = dsp::resample(x, in, out);
    for (std::size_t chunk : {1u, 7u, 511u, 4096u, 1u << 20}) {
      EXPECT_EQ(resample_in_chunks(x, in, out, chunk), once) << in << " Hz, chunk " << chunk;
    }
  }
}

TEST(StreamingResampler, EqualRatesPassThrough) {
  const auto x = test::white_noise(1000);
  EXPECT_EQ(resample_in_chunks(x, 22050, 22050, 7), x);
}

Fingerprint fingerprint_in_blocks(const std::vector<float>& l, const std::vector<float>& r,
                                  std::size_t block) {
  analysis::SignalBuilder signal(44100, {io::Speaker::front_left, io::Speaker::front_right});
  for (std::size_t i = 0; i < l.size(); i += block) {
    const std::size_t n = std::min(block, l.size() - i);
    const std::vector<std::span<const float>> b{std::span<const float>(l).subspan(i, n),
                                                std::span<const float>(r).subspan(i, n)};
    signal.add(b);
  }
  signal.finish();
  return analysis::fingerprint_of(signal);
}

TEST(Analysis, BlockSizeAndThreadsDoNotChangeTheFingerprint) {
  const auto l = test::click_track(120, 4, 44100);
  auto r = test::white_noise(l.size(), 0.1, 9);
  for (std::size_t i = 0; i < r.size(); ++i) r[i] += 0.7f * l[i];
  const Fingerprint whole = fingerprint_in_blocks(l, r, l.size());
  for (std::size_t block : {7u, 511u, 4096u}) {
    const Fingerprint fp = fingerprint_in_blocks(l, r, block);
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      // The stereo moments are merged per block (exact to rounding); everything else is bitwise.
      if (kDimensions[d].family == "stereo") {
        EXPECT_NEAR(fp.values[d], whole.values[d], 1e-12) << kDimensions[d].name << " " << block;
      } else {
        EXPECT_EQ(fp.values[d], whole.values[d]) << kDimensions[d].name << " " << block;
      }
    }
  }
  analysis::SignalBuilder signal(44100, {io::Speaker::front_left, io::Speaker::front_right});
  const std::vector<std::span<const float>> b{l, r};
  signal.add(b);
  signal.finish();
  EXPECT_EQ(analysis::fingerprint_of(signal, 2).values, whole.values);
}

TEST(Analysis, SwappingLeftAndRightChangesNothing) {
  const auto l = test::white_noise(44100 * 2, 0.4, 4);
  auto r = test::white_noise(l.size(), 0.2, 5);
  for (std::size_t i = 0; i < r.size(); ++i) r[i] += 0.5f * l[i];
  const Fingerprint a = fingerprint_in_blocks(l, r, 4096);
  const Fingerprint b = fingerprint_in_blocks(r, l, 4096);
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    EXPECT_NEAR(a.values[d], b.values[d], 1e-9) << kDimensions[d].name;
  }
}

// The held route on two threads makes the chroma in chunks of frames, whichever thread is free
// taking the next, and sums them in frame order: the value of the streamed family, bit for bit.
TEST(Analysis, HeldChromaInChunksEqualsTheStreamedFamily) {
  const std::vector<float> y = test::saw_with_bursts(22050 * 7 + 77);
  Fingerprint streamed, ranged;
  features::ChromaFamily chroma(0.03);
  chroma.push(y);
  chroma.finish(streamed);

  const features::HeldChroma held(0.03, y);
  const std::size_t n = held.frame_count();
  ASSERT_GT(n, 100u);
  // Chunks made out of order (as two threads finish them), then summed in frame order.
  const std::size_t chunk = 37;
  std::vector<std::vector<float>> chunks((n + chunk - 1) / chunk);
  for (std::size_t i = chunks.size(); i-- > 0;) {
    chunks[i] = held.chroma(i * chunk, std::min(n, (i + 1) * chunk));
  }
  features::ChromaEnergy energy;
  for (const std::vector<float>& c : chunks) energy.add(c);
  energy.finish(ranged);
  EXPECT_EQ(ranged[Dim::chroma_energy], streamed[Dim::chroma_energy]);
  EXPECT_GT(streamed[Dim::chroma_energy], 0.0);
}

// With the octaves' signals made as y was decoded, or with signals of another layout (which it
// must not use), the held chroma is the one made from y alone.
TEST(Analysis, HeldChromaFromStreamedOctavesEqualsTheOneFromY) {
  const std::vector<float> y = test::saw_with_bursts(22050 * 5 + 13);
  const features::HeldChroma alone(0.03, y);
  const std::vector<float> expected = alone.chroma(0, alone.frame_count());
  dsp::OctaveLayout other = dsp::chroma_octave_layout(22050.0);
  other.halve_after.assign(other.halve_after.size(), false);
  for (const dsp::OctaveLayout& layout : {dsp::chroma_octave_layout(22050.0), other}) {
    dsp::OctaveSignalStream octaves(layout);
    octaves.push(std::span(y).first(1000));
    octaves.push(std::span(y).subspan(1000));
    const features::HeldChroma held(0.03, y, octaves.finish(y));
    ASSERT_EQ(held.frame_count(), alone.frame_count());
    EXPECT_EQ(held.chroma(0, held.frame_count()), expected);
  }
}

}  // namespace
}  // namespace trackprint
