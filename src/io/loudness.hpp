// Integrated loudness, ITU-R BS.1770-4 / EBU R128, with libebur128 on the decoded signal at its
// own rate. Channel weights follow the speaker positions: 1.0 for front and centre, 1.41 for
// surrounds, LFE excluded (spec §Dynamics, lufs).
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "io/decoder.hpp"

namespace trackprint::io {

class LoudnessMeter {
 public:
  // With `envelope`, the momentary and short-term loudness are also read every 100 ms of input
  // (for a trace); the integrated loudness is the same either way.
  LoudnessMeter(int sample_rate, std::span<const Speaker> speakers, bool envelope = false);
  ~LoudnessMeter();
  LoudnessMeter(const LoudnessMeter&) = delete;
  LoudnessMeter& operator=(const LoudnessMeter&) = delete;
  LoudnessMeter(LoudnessMeter&&) noexcept;
  LoudnessMeter& operator=(LoudnessMeter&&) noexcept;

  // One block of planar samples, all channels of equal length.
  void add(std::span<const std::span<const float>> planar);
  // Gated integrated loudness in LUFS; -70.0 when no block passes the absolute gate (silence).
  double integrated_lufs() const;
  // With `envelope`: the loudness of the last 400 ms and of the last 3 s at the end of each
  // 100 ms of input, in LUFS, floored at -70 like integrated_lufs().
  double envelope_rate() const;  // readings per second (10, give or take a rounding)
  const std::vector<double>& momentary() const;
  const std::vector<double>& short_term() const;

 private:
  struct State;
  void add_frames(const float* frames, std::size_t count);  // checks libebur128's answer
  void add_reading_envelope(const float* frames, std::size_t count);
  std::unique_ptr<State> state_;
};

}  // namespace trackprint::io
