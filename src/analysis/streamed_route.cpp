// The streamed route: y is streamed twice and never held. First to everything but HPSS (which
// needs len(y) first), the onset envelope (which needs the mel peak) and the chroma (which needs
// the tuning), then to those three. With threads > 1 the sample families, then the chroma, take
// their blocks on a second thread.
#include <optional>

#include "analysis/block_worker.hpp"
#include "analysis/routes.hpp"
#include "analysis/sample_families.hpp"
#include "analysis/stft_families.hpp"
#include "trackprint/error.hpp"

namespace trackprint::analysis {

Fingerprint fingerprint_streamed(const std::string& path, io::Decoder& decoder, int threads,
                                 double max_duration_s, Trace* trace, CancelFlag cancel) {
  const io::StreamInfo& info = decoder.info();
  Fingerprint fp;
  SampleFamilies samples;
  samples.trace_into(trace);
  StftFamilies first(StftFamilies::Pass::first_of_two);
  first.trace_into(trace);
  SignalBuilder signal(info.sample_rate, info.speakers, SignalBuilder::Parts::all, trace);
  {
    std::optional<BlockWorker> side;
    if (threads > 1)
      side.emplace([&samples](BlockWorker::Stream, std::span<const float> y) { samples.push(y); });
    signal.stream_y([&](std::span<const float> y) {
      if (side) {
        side->push(y);
      } else {
        samples.push(y);
      }
      first.push(y);
    });
    decode_into(decoder, signal, cancel);
    if (side) side->finish();
  }
  const std::size_t n = signal.y_length();
  require_length(n);
  samples.finish(fp);
  first.finish(fp, n);
  fp[Dim::lufs] = signal.lufs();
  signal.stereo().finish(fp);

  StftFamilies second(StftFamilies::Pass::second_of_two, first.mel_peak_db(), n);
  second.trace_into(trace);
  second.cancel_on(cancel);
  features::ChromaFamily chroma(first.tuning());
  chroma.trace_into(trace);
  SignalBuilder again(info.sample_rate, info.speakers, SignalBuilder::Parts::y_only);
  {
    std::optional<BlockWorker> side;
    if (threads > 1)
      side.emplace([&chroma](BlockWorker::Stream, std::span<const float> y) { chroma.push(y); });
    again.stream_y([&](std::span<const float> y) {
      second.push(y);
      if (side) {
        side->push(y);
      } else {
        chroma.push(y);
      }
    });
    io::Decoder second_decoder(path, max_duration_s);
    decode_into(second_decoder, again, cancel);
    if (side) side->finish();
  }
  if (again.y_length() != n) {
    throw Failure(ErrorKind::io, "the file changed while it was being analysed");
  }
  second.finish(fp, n);
  chroma.finish(fp);
  require_finite(fp);
  if (trace != nullptr) signal.write_loudness(*trace);
  fp.duration_s = static_cast<double>(signal.native_frames()) / info.sample_rate;
  return fp;
}

}  // namespace trackprint::analysis
