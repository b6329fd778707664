// Integrated loudness, ITU-R BS.1770-4 / EBU R128 (spec §Dynamics, lufs), on the decoded signal
// at its own rate, computed as libebur128 1.2.6 does in EBUR128_MODE_I on float input (the
// library the engine used before, and the tests' reference): the same K-weighting coefficients,
// the same fourth-order filter in double with flush-to-zero, the same 400 ms blocks every 100 ms
// summed in the same order, the same absolute and relative gates. One sum of the filter is
// rounded in another order (loudness.cpp says why), so lufs agrees with libebur128's to within
// rounding, not to the bit (tests/unit/test_loudness.cpp bounds it). It is faster because
// channels are filtered two to a SIMD register, the blocks' sums run four at a time, and nothing
// is interleaved or copied first. On request it also reads the momentary and short-term loudness
// every 100 ms (for a trace), with the same arithmetic as reading libebur128's last 100 ms
// window each time.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace trackprint::dsp {

// A channel's part in the sum (BS.1770 channel weights): not measured (LFE), 1.0 (front and
// centre, or any other), 1.41 (surround).
enum class LoudnessChannel { unused, front, surround };

class LoudnessMeter {
 public:
  // Throws Failure (unsupported) outside trackprint/limits.hpp's rates and channel counts. With
  // `envelope`, the momentary and short-term loudness are also read every 100 ms of input; the
  // integrated loudness is the same either way.
  LoudnessMeter(int sample_rate, std::span<const LoudnessChannel> channels, bool envelope = false);

  // One block of planar samples, all channels of equal length, in order; any block size.
  void add(std::span<const std::span<const float>> planar);
  // Gated integrated loudness in LUFS; -70.0 when no block passes the absolute gate (silence).
  double integrated_lufs() const;
  // With `envelope`: the loudness of the last 400 ms and of the last 3 s at the end of each
  // 100 ms of input, in LUFS, floored at -70 like integrated_lufs().
  double envelope_rate() const;  // readings per second (10, give or take a rounding)
  const std::vector<double>& momentary() const { return momentary_; }
  const std::vector<double>& short_term() const { return short_term_; }

 private:
  void add_piece(std::span<const std::span<const float>> planar, std::size_t at, std::size_t n);
  void read_envelope();
  void filter(std::span<const std::span<const float>> planar, std::size_t from, std::size_t n);
  void measure_pending_blocks();
  // Energies of the blocks ending at chunks first .. first + count - 1, in that order.
  void block_energies(std::size_t first, std::size_t count, double* energies) const;

  std::size_t chunk_frames_;           // samples in 100 ms, as libebur128 rounds them
  std::size_t ring_chunks_;            // chunks in libebur128's ring buffer: its summation order
  double b_[5], a_[5];                 // the K-weighting filter (both stages in one)
  std::vector<std::size_t> measured_;  // indices of the channels that count
  std::vector<bool> surround_;         // per measured channel
  std::vector<double> state_;          // v[1..4] per measured channel, by pairs: [pair][4][2]
  std::vector<double> chunks_;         // filtered samples: kSlots chunks of frames x measured
  std::vector<double> pair_input_;     // two channels' input interleaved, for the filter
  std::size_t chunk_ = 0;              // the chunk being filled
  std::size_t chunk_filled_ = 0;       // its frames so far
  std::size_t next_block_ = 3;         // the chunk whose block is measured next
  std::vector<double> energies_;       // of the blocks above the absolute gate, in order
  int sample_rate_;
  std::size_t frames_ = 0;         // filtered so far
  std::size_t reading_every_ = 0;  // frames per envelope reading; 0: no envelope
  std::size_t since_reading_ = 0;
  std::vector<double> window_energy_;  // of each 100 ms read, as libebur128's window gives it
  std::vector<double> momentary_, short_term_;
};

}  // namespace trackprint::dsp
