// The streaming forms of the framed stages give, for any block size, exactly what the whole-signal
// forms give: FrameStream against util.frame's arithmetic, the CQT, YIN, RMS and the onset
// envelope against their one-shot versions.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "dsp/chroma.hpp"
#include "dsp/cqt.hpp"
#include "dsp/frame_stream.hpp"
#include "dsp/mel.hpp"
#include "dsp/onset.hpp"
#include "dsp/rms.hpp"
#include "dsp/stft.hpp"
#include "dsp/yin.hpp"
#include "signals.hpp"

namespace trackprint::dsp {
namespace {

constexpr std::size_t kBlockSizes[] = {1, 7, 511, 4096, 1 << 20};

// Frame t of the padded signal as util.frame would cut it (zeros outside y).
std::vector<float> expected_frame(const std::vector<float>& y, std::size_t t, std::size_t length,
                                  std::size_t hop, FrameStream::Edges edges) {
  const std::ptrdiff_t lead =
      edges == FrameStream::Edges::centred ? static_cast<std::ptrdiff_t>(length / 2) : 0;
  std::ptrdiff_t start = static_cast<std::ptrdiff_t>(t * hop) - lead;
  std::size_t n = length;
  if (edges == FrameStream::Edges::truncated) {
    n = std::min(length, y.size() - static_cast<std::size_t>(start));
  }
  std::vector<float> f(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::ptrdiff_t j = start + static_cast<std::ptrdiff_t>(i);
    f[i] = (j >= 0 && j < static_cast<std::ptrdiff_t>(y.size())) ? y[static_cast<std::size_t>(j)]
                                                                 : 0.0f;
  }
  return f;
}

std::size_t expected_count(std::size_t n, std::size_t length, std::size_t hop,
                           FrameStream::Edges edges) {
  switch (edges) {
    case FrameStream::Edges::centred:
      return 1 + n / hop;  // even lengths: 1 + (n + 2*(L/2) - L) // hop
    case FrameStream::Edges::inside:
      return n < length ? 0 : 1 + (n - length) / hop;
    case FrameStream::Edges::truncated:
      return (n + hop - 1) / hop;
  }
  return 0;
}

TEST(FrameStream, CutsTheFramesUtilFrameCutsForAnyBlockSize) {
  const std::vector<float> y = test::white_noise(20000, 0.5, 3);
  struct Case {
    std::size_t length, hop;
    FrameStream::Edges edges;
  };
  const Case cases[] = {{2048, 512, FrameStream::Edges::centred},
                        {2048, 5512, FrameStream::Edges::centred},  // hop longer than a frame
                        {8192, 2048, FrameStream::Edges::inside},
                        {11025, 5512, FrameStream::Edges::truncated},
                        {30000, 512, FrameStream::Edges::inside}};  // longer than y: no frame
  for (const Case& c : cases) {
    for (std::size_t block : kBlockSizes) {
      FrameStream stream(c.length, c.hop, c.edges);
      std::vector<std::vector<float>> frames;
      std::span<const float> f;
      for (std::size_t at = 0; at < y.size(); at += block) {
        stream.push(std::span(y).subspan(at, std::min(block, y.size() - at)));
        while (stream.next(f)) frames.emplace_back(f.begin(), f.end());
      }
      stream.finish();
      while (stream.next(f)) frames.emplace_back(f.begin(), f.end());
      const std::size_t count = expected_count(y.size(), c.length, c.hop, c.edges);
      ASSERT_EQ(frames.size(), count) << c.length << "/" << c.hop << " block " << block;
      EXPECT_EQ(stream.total_frames(), count);
      for (std::size_t t = 0; t < count; ++t) {
        ASSERT_EQ(frames[t], expected_frame(y, t, c.length, c.hop, c.edges))
            << c.length << "/" << c.hop << " block " << block << " frame " << t;
      }
    }
  }
}

template <class Stream>
void push_in_blocks(Stream& stream, const std::vector<float>& y, std::size_t block) {
  for (std::size_t at = 0; at < y.size(); at += block) {
    stream.push(std::span(y).subspan(at, std::min(block, y.size() - at)));
  }
}

TEST(ConstantQStream, EqualsTheWholeSignalCqtBitForBit) {
  const std::vector<float> y = test::reference_signal();
  const std::shared_ptr<const ConstantQ> cq = chroma_kernels(22050.0, 0.12);
  const std::vector<float> whole = cq->magnitude(y);
  for (std::size_t block : {std::size_t{7}, std::size_t{4096}, std::size_t{1} << 20}) {
    ConstantQStream stream(cq);
    std::vector<float> streamed;
    std::span<const float> frame;
    for (std::size_t at = 0; at < y.size(); at += block) {
      stream.push(std::span(y).subspan(at, std::min(block, y.size() - at)));
      while (stream.next(frame)) streamed.insert(streamed.end(), frame.begin(), frame.end());
    }
    stream.finish();
    while (stream.next(frame)) streamed.insert(streamed.end(), frame.begin(), frame.end());
    EXPECT_EQ(streamed, whole) << "block " << block;
  }
}

// A held signal's CQT frames made in ranges, as two threads split them: the same magnitudes.
TEST(ConstantQ, FrameRangesEqualTheWholeMagnitude) {
  const std::vector<float> y = test::reference_signal();
  const std::shared_ptr<const ConstantQ> cq = chroma_kernels(22050.0, -0.07);
  const std::vector<float> whole = cq->magnitude(y);
  const ConstantQ::OctaveSignals octaves = cq->octave_signals(y);
  const std::size_t n = cq->frame_count(y.size());
  for (std::size_t split : {std::size_t{0}, std::size_t{5}, n / 2, n}) {
    std::vector<float> parts(whole.size(), -1.0f);
    cq->magnitude_frames(octaves, split, n, parts.data() + split * cq->n_bins());
    cq->magnitude_frames(octaves, 0, split, parts.data());
    EXPECT_EQ(parts, whole) << "split at " << split;
  }
}

// The octaves' signals made while y is decoded are those octave_signals makes of the whole y, for
// any block size, with and without an early decimation (a CQT of two low octaves has one, of 32).
TEST(OctaveSignalStream, EqualsOctaveSignalsBitForBit) {
  const std::vector<float> y = test::reference_signal();
  CqtParams low;
  low.n_bins = 24;
  low.bins_per_octave = 12;
  for (const CqtParams& params : {CqtParams{.tuning = 0.0}, low}) {
    const ConstantQ cq(params);
    const ConstantQ::OctaveSignals whole = cq.octave_signals(y);
    ASSERT_EQ(octave_layout(params), cq.layout());
    for (std::size_t block : kBlockSizes) {
      OctaveSignalStream stream(octave_layout(params));
      push_in_blocks(stream, y, block);
      const ConstantQ::OctaveSignals streamed = stream.finish(y);
      EXPECT_EQ(streamed.layout, whole.layout);
      EXPECT_EQ(streamed.length, y.size());
      ASSERT_EQ(streamed.signal.size(), whole.signal.size());
      for (std::size_t o = 0; o < whole.signal.size(); ++o) {
        EXPECT_TRUE(std::ranges::equal(streamed.signal[o], whole.signal[o]))
            << "octave " << o << ", block " << block << ", early factor "
            << whole.layout.early_factor;
      }
    }
  }
  EXPECT_EQ(ConstantQ(low).layout().early_factor, 32u);
}

// The chroma's octave layout, worked out before the tuning is known, is that of the kernels of
// every tuning estimate_tuning can return.
TEST(ChromaOctaveLayout, IsTheKernelsLayoutForEveryTuning) {
  const OctaveLayout layout = chroma_octave_layout(22050.0);
  for (double tuning : {-0.5, -0.25, -0.01, 0.0, 0.01, 0.25, 0.49}) {
    EXPECT_EQ(chroma_kernels(22050.0, tuning)->layout(), layout) << "tuning " << tuning;
  }
  EXPECT_EQ(layout.early_factor, 1u);
  EXPECT_EQ(layout.halve_after, (std::vector<bool>{true, true, true, true, true, true, false}));
}

TEST(YinTracker, EqualsYinOnTheWholeSignal) {
  const std::vector<float> y = test::reference_signal();
  const std::vector<double> whole = yin(y, 22050.0, 65.4, 2093.0);
  YinTracker tracker(22050.0, 65.4, 2093.0);
  push_in_blocks(tracker, y, 511);
  tracker.finish();
  EXPECT_EQ(tracker.f0(), whole);
}

TEST(RmsTracker, EqualsRmsOnTheWholeSignal) {
  const std::vector<float> y = test::reference_signal();
  RmsTracker tracker(2048, 5512);
  push_in_blocks(tracker, y, 7);
  tracker.finish();
  EXPECT_EQ(tracker.values(), rms(y, 2048, 5512));
}

// Two passes (the peak, then the envelope frame by frame) against the one-shot envelope.
TEST(OnsetEnvelopeStream, EqualsOnsetStrengthFromTheWholeMelSpectrogram) {
  const std::vector<float> y = test::reference_signal();
  const Spectrogram s = stft(y, 2048, 512, true);
  const std::vector<float> mag = magnitude(s);
  std::vector<float> power(mag.size());
  for (std::size_t i = 0; i < mag.size(); ++i) power[i] = mag[i] * mag[i];
  const MelFilterbank mel = onset_filterbank();
  std::vector<float> mel_power(s.n_frames * mel.n_mels());
  mel.apply(power, mel_power, s.n_frames);
  const std::vector<float> whole = onset_strength_from_mel(mel_power);

  OnsetEnvelopeStream stream(mel_peak_db(mel_power));
  for (std::size_t t = 0; t < s.n_frames; t += 5) {  // blocks of 5 frames
    const std::size_t n = std::min<std::size_t>(5, s.n_frames - t);
    stream.push(std::span(mel_power).subspan(t * mel.n_mels(), n * mel.n_mels()));
  }
  EXPECT_EQ(stream.finish(), whole);
}

}  // namespace
}  // namespace trackprint::dsp
