// Sample-rate conversion as librosa.resample(res_type="soxr_hq") does it: libsoxr at HQ quality
// (SOXR_HQ, passed explicitly: soxr_oneshot's default is low quality) fed in the chunks that
// python-soxr 1.1 uses, then librosa's fix_length to ceil(n * ratio) samples and optional scale.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace trackprint::dsp {

// librosa.resample(x, orig_sr=in_rate, target_sr=out_rate, res_type="soxr_hq", scale=scale).
// scale=true divides by sqrt(out_rate / in_rate), as the CQT's octave decimation asks.
std::vector<float> resample(std::span<const float> x, double in_rate, double out_rate,
                            bool scale = false);

// The same conversion fed block by block (decoded audio as it arrives), with identical output:
// libsoxr's result does not depend on how its input is split. Output is released only once it
// is certain to lie inside librosa's fix_length of ceil(n_in * ratio), so a consumer can use it
// at once; finish() releases the rest, zero-padded to exactly that length.
class StreamingResampler {
 public:
  StreamingResampler(double in_rate, double out_rate);
  ~StreamingResampler();
  StreamingResampler(const StreamingResampler&) = delete;
  StreamingResampler& operator=(const StreamingResampler&) = delete;
  StreamingResampler(StreamingResampler&&) noexcept;
  StreamingResampler& operator=(StreamingResampler&&) noexcept;

  // Appends to `out` what can be released after `in`.
  void push(std::span<const float> in, std::vector<float>& out);
  // End of input: appends the remaining samples.
  void finish(std::vector<float>& out);

 private:
  void release(std::size_t allowed_total, std::vector<float>& out);
  void hand_out(std::size_t allowed_total, std::size_t produced, std::vector<float>& out);
  struct Soxr;
  std::unique_ptr<Soxr> soxr_;  // null when the rates are equal
  double ratio_;
  std::size_t consumed_ = 0;    // input samples so far
  std::size_t released_ = 0;    // output samples handed out so far
  std::vector<float> pending_;  // produced, not yet released
  std::vector<float> scratch_;  // soxr's output of one call, kept allocated
};

}  // namespace trackprint::dsp
