// The shared STFT of y (2048/512, centred, spec §1.5), framed as y arrives and computed a column
// at a time, and the families that read it: each column goes to every family at once and is
// then dropped. In one pass: spectral, temporal, the tuning estimate and HPSS. In two (y
// streamed twice): first spectral, the tuning and the first half of temporal; then, with the
// mel peak known, HPSS and the second half of temporal. Nothing needs len(y) before finish().
#pragma once

#include <complex>
#include <optional>
#include <span>
#include <vector>

#include "dsp/frame_stream.hpp"
#include "dsp/stft.hpp"
#include "dsp/tuning.hpp"
#include "features/families.hpp"
#include "trackprint/fingerprint.hpp"
#include "trackprint/trace.hpp"

namespace trackprint::analysis {

class StftFamilies {
 public:
  enum class Pass { one, first_of_two, second_of_two };
  // For the second of two: mel_peak_db = the first's mel_peak_db(), length = len(y).
  explicit StftFamilies(Pass pass, float mel_peak_db = 0, std::size_t length = 0);
  void trace_into(Trace* trace);                                      // before the first push
  void cancel_on(CancelFlag cancel) { temporal_.cancel_on(cancel); }  // checked in finish()
  // A hint of len(y), so that what grows with it (temporal's mel spectrogram) is made room for
  // once instead of being copied as it grows.
  void expect_samples(std::size_t n) { temporal_.reserve_frames(1 + n / features::kHop); }

  void push(std::span<const float> y);
  // The last frames: after it the tuning is known, and tuning() and finish() may run on two
  // threads (they share nothing). finish() calls it if it has not been.
  void finish_frames();
  void finish(Fingerprint& fp, std::size_t length);  // length = len(y)
  double tuning();      // chroma_cqt's tuning, after finish() (not in the second of two)
  float mel_peak_db();  // after finish() of the first of two

 private:
  void drain();
  dsp::FrameStream frames_;
  dsp::FrameTransform transform_;
  std::vector<std::complex<float>> column_;
  std::vector<float> magnitude_;
  std::optional<features::SpectralFamily> spectral_;
  features::TemporalFamily temporal_;
  bool frames_finished_ = false;
  bool feeds_samples_ = true;  // temporal's RMS of y (not in the second of two passes)
  std::optional<dsp::TuningEstimator> tuning_;
  std::optional<features::HpssFamily> hpss_;
};

}  // namespace trackprint::analysis
