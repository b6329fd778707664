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
  LoudnessMeter(int sample_rate, std::span<const Speaker> speakers);
  ~LoudnessMeter();
  LoudnessMeter(const LoudnessMeter&) = delete;
  LoudnessMeter& operator=(const LoudnessMeter&) = delete;
  LoudnessMeter(LoudnessMeter&&) noexcept;
  LoudnessMeter& operator=(LoudnessMeter&&) noexcept;

  // One block of planar samples, all channels of equal length.
  void add(std::span<const std::span<const float>> planar);
  // Gated integrated loudness in LUFS; -70.0 when no block passes the absolute gate (silence).
  double integrated_lufs() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace trackprint::io
