// Sample-rate conversion as librosa.resample(res_type="soxr_hq") does it: libsoxr at HQ quality
// (SOXR_HQ, passed explicitly: soxr_oneshot's default is low quality) fed in the chunks that
// python-soxr 1.1 uses, then librosa's fix_length to ceil(n * ratio) samples and optional scale.
#pragma once

#include <span>
#include <vector>

namespace trackprint::dsp {

// librosa.resample(x, orig_sr=in_rate, target_sr=out_rate, res_type="soxr_hq", scale=scale).
// scale=true divides by sqrt(out_rate / in_rate), as the CQT's octave decimation asks.
std::vector<float> resample(std::span<const float> x, double in_rate, double out_rate,
                            bool scale = false);

}  // namespace trackprint::dsp
