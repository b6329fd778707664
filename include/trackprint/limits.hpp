// The inputs trackprint accepts, checked before any work is done on a file or on samples: the
// sample rate, the channel count and the duration (declared by the file, then counted while
// decoding). Anything outside is refused with a clear error instead of being analysed.
#pragma once

namespace trackprint {

// 1 kHz to 768 kHz: below 1 kHz the resampler would upsample by up to 22x to reach 22050 Hz
// (and no music file is recorded there); 768 kHz is the highest rate of any audio format.
inline constexpr int kMinSampleRate = 1000;
inline constexpr int kMaxSampleRate = 768000;
// At most 64 channels: libebur128's limit, whose arithmetic the loudness meter reproduces, and
// far beyond any music file.
inline constexpr int kMaxChannels = 64;
// Six hours: longer than any album, short enough that a file claiming days of audio is refused
// at once. AnalysisOptions::max_duration_s and `--max-duration` change it.
inline constexpr double kDefaultMaxDurationSeconds = 6 * 3600;

}  // namespace trackprint
