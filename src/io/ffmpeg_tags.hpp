// Tags from a container opened by libavformat. Included only by io's sources: the caller
// passes FFmpeg's dictionaries, so their type stays inside io.
#pragma once

extern "C" {
#include <libavutil/dict.h>
}

#include "trackprint/tags.hpp"

namespace trackprint::io {

// The container's tags (`format`), completed from the audio stream's (`stream`: Ogg and Opus
// keep their Vorbis comments there). Either may be null.
Tags tags_from(const AVDictionary* format, const AVDictionary* stream);

}  // namespace trackprint::io
