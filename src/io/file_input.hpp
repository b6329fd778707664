// Opening a user's path for FFmpeg as a file, never as a URL. Left to itself FFmpeg reads a
// "name:" prefix as a protocol ("Live: 1999.flac" is protocol "Live"), and a playlist-like
// container (HLS, ffconcat, ...) opens the files and URLs it lists, local or remote. Here the
// path goes through FFmpeg's file protocol alone (pipes such as /dev/stdin included) and the
// demuxer may open nothing more.
#pragma once

#include <memory>
#include <string>

struct AVFormatContext;

namespace trackprint::io {

struct InputCloser {
  void operator()(AVFormatContext* format) const;
};
using Input = std::unique_ptr<AVFormatContext, InputCloser>;

// `path` opened, its container recognised and its streams probed. Throws Failure: io when the
// file cannot be opened, not_audio for no known container, unsupported for a file that only
// refers to others (a playlist), decode when the stream information cannot be read.
Input open_file_input(const std::string& path);

}  // namespace trackprint::io
