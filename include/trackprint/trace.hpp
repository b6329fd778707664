// The trace of one analysis: the per-frame series behind the 25 values, as the engine computed
// them on the way (nothing is computed a second way for the picture). Asked for by passing a
// Trace to analyze_file / analyze_samples; an analysis without one keeps none of this.
//
//   trackprint::Trace trace;
//   auto fp = trackprint::analyze_file("song.flac", {}, trace);
//   for (double t : trace.beat_times) std::cout << t << '\n';
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "trackprint/error.hpp"
#include "trackprint/export.hpp"
#include "trackprint/fingerprint.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint {

struct Trace {
  // Set before the analysis: the spectrogram's time resolution is pooled down to at most this
  // many columns (0 = no spectrogram).
  std::size_t max_spectrogram_columns = 1000;

  // Time bases. "Frames" are the shared STFT's: frame t is centred on t * hop / sample_rate s
  // of the analysis signal y (22050 Hz). YIN's f0, the RMS, the spectral shape, the onset
  // envelope, the chroma and the HPSS energies are per frame.
  double sample_rate = 22050;  // of y
  std::size_t hop = 512;
  double duration_s = 0;  // of y
  double frame_rate() const { return sample_rate / static_cast<double>(hop); }

  // The waveform: the least and greatest sample of y in each hop [t * hop, (t + 1) * hop).
  std::vector<float> wave_min, wave_max;
  // BS.1770 momentary (400 ms) and short-term (3 s) loudness in LUFS at the end of every 100 ms,
  // measured on the file's own channels like `lufs` and floored at -70 like it (silence, and the
  // start of the track, where the windows reach before it, count as zeros).
  double loudness_rate = 10;  // values per second
  std::vector<double> momentary_lufs, short_term_lufs;
  // RMS of each frame (2048 samples, centred): silence_ratio's series.
  std::vector<float> rms;

  // The mel spectrogram the onset envelope is made from (128 bands from 0 Hz to 11025 Hz,
  // Slaney scale): mean power over `frames_per_column` consecutive frames, in dB below the
  // track's loudest column, floored at -80. Column-major: column c is
  // spectrogram_db[c * mel_bands_hz.size() ...], bands from low to high.
  std::vector<float> spectrogram_db;
  std::size_t spectrogram_columns = 0;
  std::size_t frames_per_column = 1;
  std::vector<double> mel_bands_hz;  // centre of each band

  // Per frame: centroid and 85 % rolloff in Hz, flatness 0..1 (the spectral family's medians
  // are of these).
  std::vector<double> centroid_hz, rolloff_hz;
  std::vector<float> flatness;

  // RMS of librosa.effects.hpss's harmonic and percussive signals over each hop of samples:
  // harmonic_ratio is sqrt(mean(h^2)) / (sqrt(mean(h^2)) + sqrt(mean(p^2))) over the track.
  std::vector<float> harmonic_rms, percussive_rms;

  // The onset strength envelope (per frame), the global tempo estimate before tempo_bpm's clip
  // to 40..200, and the beat and onset times in seconds that rhythm_stability and
  // transient_density count.
  std::vector<float> onset_envelope;
  double tempo_bpm = 0;
  std::vector<double> beat_times, onset_times;

  // The CQT chroma: 12 values per frame (C, C#, ... B), each frame scaled to a maximum of 1;
  // chroma_energy is their mean / 0.4. Frame-major: frame t is chroma[t * 12 ... t * 12 + 11].
  std::vector<float> chroma;

  // YIN's f0 in Hz per frame (C2..C7) and whether YIN found a trough below its 0.1 threshold
  // there (1) or fell back to the global minimum (0): the frames a pitch was heard in.
  std::vector<double> f0_hz;
  std::vector<std::uint8_t> voiced;

  // The variation family's 0.5 s blocks every 0.25 s (peak and RMS of each), and the sparse
  // RMS series (2048 samples every 5512) whose dB spread is loudness_variation_std.
  double block_rate = 22050.0 / 5512.0;  // blocks (and sparse RMS values) per second
  std::vector<double> block_peak, block_rms;
  std::vector<float> sparse_rms;
};

// analyze_file and analyze_samples that also fill `trace` (its earlier contents are replaced).
// The fingerprint is bit-identical to the one without a trace.
TRACKPRINT_API Result<Fingerprint> analyze_file(const std::string& path,
                                                const AnalysisOptions& options, Trace& trace);
TRACKPRINT_API Result<Fingerprint> analyze_samples(std::span<const std::span<const float>> channels,
                                                   int sample_rate, const AnalysisOptions& options,
                                                   Trace& trace);

}  // namespace trackprint
