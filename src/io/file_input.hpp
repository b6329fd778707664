// Opening what FFmpeg demuxes: a user's path as a file, never as a URL, or bytes held in memory
// (the fuzz targets). Left to itself FFmpeg reads a "name:" prefix as a protocol ("Live:
// 1999.flac" is protocol "Live"), and a playlist-like container (HLS, ffconcat, ...) opens the
// files and URLs it lists, local or remote. Here a path goes through FFmpeg's file protocol alone
// (pipes such as /dev/stdin included), and the demuxer may open nothing more.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

struct AVFormatContext;
struct AVIOContext;

namespace trackprint::io {

// The I/O context is always ours (custom I/O), so FFmpeg leaves it open: it is closed after the
// demuxer, the way it was made (avio_open2 for a file, avio_alloc_context for memory).
struct IoCloser {
  bool memory = false;
  void operator()(AVIOContext* io) const;
};
struct FormatCloser {
  void operator()(AVFormatContext* format) const;
};

// An opened container: its streams probed, read through `io`.
struct Input {
  std::unique_ptr<AVIOContext, IoCloser> io;
  std::unique_ptr<AVFormatContext, FormatCloser> format;  // declared after `io`: closed first
  AVFormatContext* get() const { return format.get(); }
};

// `path` opened, its container recognised and its streams probed. Throws Failure: io when the
// file cannot be opened or read, not_audio for no known container, unsupported for a file that
// only refers to others (a playlist), decode when the stream information cannot be read.
Input open_file_input(const std::string& path);

// The same for a file held in memory; `bytes` must outlive the Input.
Input open_memory_input(std::span<const std::uint8_t> bytes);

// Whether an FFmpeg error code is a read that failed (a bad sector, a share gone, permissions),
// as opposed to FFmpeg's verdicts on the data (AVERROR_INVALIDDATA, AVERROR(EINVAL), ...).
bool is_read_failure(int code);

}  // namespace trackprint::io
