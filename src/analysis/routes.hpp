// One track from decoded audio to the 25 values, by one of two routes chosen by the declared
// duration. Held (most tracks): y is kept and read twice, once by the STFT and sample families
// and once by the chroma. Streamed (longer tracks, or of unknown length): the file is decoded
// twice and every family takes y as it streams by, so memory stays flat whatever the duration.
// Each family is fed the same samples either way: the fingerprint does not depend on the route,
// nor on the number of threads.
#pragma once

#include <string>

#include "analysis/signal_builder.hpp"
#include "core/cancel_flag.hpp"
#include "trackprint/fingerprint.hpp"
#include "trackprint/limits.hpp"
#include "trackprint/tags.hpp"
#include "trackprint/trace.hpp"

namespace trackprint::analysis {

// Tracks declared no longer than this keep y in memory (~5 MB a minute) and are decoded once.
inline constexpr double kHoldSignalSeconds = 600;

// The 25 values from a finished SignalBuilder that kept y, on up to `threads` threads (the
// result is the same for any count); throws Failure (too_short). The held route. With a trace
// (of which the builder was told), the families also fill it; the values are the same.
Fingerprint fingerprint_of(const SignalBuilder& signal, int threads = 1, Trace* trace = nullptr,
                           CancelFlag cancel = {});

// The held route on two threads, decoding `decoder` and analysing y as it is made; the same
// bits as decoding into a SignalBuilder and then fingerprint_of(). Throws Failure. (A traced
// analysis takes fingerprint_of(): this route shares the chroma's frames out between the
// threads in chunks, which a trace's series would have to be stitched from.)
Fingerprint fingerprint_held(io::Decoder& decoder, CancelFlag cancel = {});

// The streamed route: `decoder` is read once, then `path` is decoded again; throws Failure.
Fingerprint fingerprint_streamed(const std::string& path, io::Decoder& decoder, int threads = 1,
                                 double max_duration_s = kDefaultMaxDurationSeconds,
                                 Trace* trace = nullptr, CancelFlag cancel = {});

// The 25 values of a file, decoding it once (y held) or twice (y streamed) by its declared
// length (pipes and devices are always held), or as `route` says (tests check that both give the
// same bits); throws Failure. `tags`, when given, receives the file's tags, from the same open.
// Every route checks `cancel` between decoded blocks and between chunks of the loops after
// decoding, and throws Failure (kind cancelled) once it is set; the checks change no value.
enum class Route { by_length, held, streamed };
Fingerprint fingerprint_file(const std::string& path, int threads = 1,
                             Route route = Route::by_length,
                             double max_duration_s = kDefaultMaxDurationSeconds,
                             Trace* trace = nullptr, Tags* tags = nullptr, CancelFlag cancel = {});

// Throws Failure(too_short) below 0.5 s of y (spec §1.4); a logic error on a non-finite value.
void require_length(std::size_t y_length);
void require_finite(const Fingerprint& fp);

}  // namespace trackprint::analysis
