#include "analysis/stft_families.hpp"

#include <stdexcept>

#include "dsp/numpy_abs.hpp"

namespace trackprint::analysis {

StftFamilies::StftFamilies(Pass pass, float mel_peak_db, std::size_t length)
    : frames_(features::kFftSize, features::kHop, dsp::FrameStream::Edges::centred),
      transform_(features::kFftSize, features::kHop, /*center=*/true),
      column_(transform_.n_bins()),
      magnitude_(transform_.n_bins()),
      temporal_(pass == Pass::first_of_two ? features::TemporalFamily::first_of_two()
                : pass == Pass::second_of_two
                    ? features::TemporalFamily::second_of_two(mel_peak_db, length)
                    : features::TemporalFamily()),
      feeds_samples_(pass != Pass::second_of_two) {
  if (pass != Pass::second_of_two) {
    spectral_.emplace();
    tuning_.emplace(features::make_tuning_estimator());
  }
  if (pass != Pass::first_of_two) hpss_.emplace();
}

void StftFamilies::trace_into(Trace* trace) {
  if (spectral_) spectral_->trace_into(trace);
  temporal_.trace_into(trace);
  if (hpss_) hpss_->trace_into(trace);
}

void StftFamilies::push(std::span<const float> y) {
  if (feeds_samples_) temporal_.push_samples(y);
  dsp::in_pieces(y, [this](std::span<const float> piece) {
    if (hpss_) hpss_->push_samples(piece);  // before the frames made from it
    frames_.push(piece);
    drain();
  });
}

// One column at a time: each family keeps only what it needs. With HPSS (which keeps the last
// frames), the column is made in its ring directly.
void StftFamilies::drain() {
  std::span<const float> frame;
  while (frames_.next(frame)) {
    const std::span<std::complex<float>> column = hpss_ ? hpss_->frame_slot() : column_;
    const std::span<float> magnitude = hpss_ ? hpss_->magnitude_slot() : magnitude_;
    transform_.transform_frame(frame, column);
    dsp::numpy_abs(column.data(), magnitude.data(), column.size());
    if (spectral_) spectral_->push(magnitude);
    temporal_.push(magnitude);
    if (tuning_) tuning_->push(magnitude);
    if (hpss_) hpss_->commit();
  }
}

void StftFamilies::finish_frames() {
  if (frames_finished_) return;
  frames_.finish();
  drain();
  frames_finished_ = true;
}

void StftFamilies::finish(Fingerprint& fp, std::size_t length) {
  finish_frames();
  if (spectral_) spectral_->finish(fp);
  temporal_.finish(fp);
  if (hpss_) hpss_->finish(fp, length);
}

double StftFamilies::tuning() {
  if (!tuning_) throw std::logic_error("StftFamilies: no tuning estimate in this pass");
  return tuning_->finish();
}

float StftFamilies::mel_peak_db() {
  return temporal_.peak_db();
}

}  // namespace trackprint::analysis
