#include "io/file_input.hpp"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
}

#include <array>
#include <cerrno>
#include <new>

#include "trackprint/error.hpp"

namespace trackprint::io {
namespace {

// The protocols the path may be read with; it is always given as "file:PATH".
constexpr const char* kProtocols = "file,pipe";
// The format context's own list, which demuxers that open a second context of their own (the
// concat demuxer) copy into it: a name no protocol has, so that context can open nothing.
constexpr const char* kNestedProtocols = "none";

std::string error_text(int code) {
  std::array<char, AV_ERROR_MAX_STRING_SIZE> buf{};
  av_strerror(code, buf.data(), buf.size());
  return buf.data();
}

// A demuxer asking for another file or URL (an HLS segment, a concat entry, a reference
// movie): refused. While the file is being opened `opaque` points to a flag recording that it
// asked, so the failure can say why.
int refuse_nested_open(AVFormatContext* s, AVIOContext** /*pb*/, const char* /*url*/, int /*flags*/,
                       AVDictionary** /*options*/) {
  if (s->opaque != nullptr) *static_cast<bool*>(s->opaque) = true;
  return AVERROR(EPERM);
}

const char* const kRefers =
    "refers to other files or URLs (a playlist?); trackprint reads only the file itself";

}  // namespace

void InputCloser::operator()(AVFormatContext* format) const {
  AVIOContext* io = format->pb;  // ours (custom I/O): avformat_close_input leaves it open
  avformat_close_input(&format);
  avio_closep(&io);
}

Input open_file_input(const std::string& path) {
  const std::string url = "file:" + path;
  AVDictionary* options = nullptr;
  av_dict_set(&options, "protocol_whitelist", kProtocols, 0);
  AVIOContext* io = nullptr;
  int rc = avio_open2(&io, url.c_str(), AVIO_FLAG_READ, nullptr, &options);
  av_dict_free(&options);
  if (rc < 0) throw Failure(ErrorKind::io, "cannot open: " + error_text(rc));

  AVFormatContext* format = avformat_alloc_context();
  if (format == nullptr) {
    avio_closep(&io);
    throw std::bad_alloc();
  }
  format->pb = io;
  format->flags |= AVFMT_FLAG_CUSTOM_IO;
  format->io_open = refuse_nested_open;
  bool refused = false;
  format->opaque = &refused;
  av_dict_set(&options, "protocol_whitelist", kNestedProtocols, 0);
  rc = avformat_open_input(&format, url.c_str(), nullptr, &options);
  av_dict_free(&options);
  if (rc < 0) {  // `format` is freed already, `io` is not
    avio_closep(&io);
    if (refused) throw Failure(ErrorKind::unsupported, kRefers);
    throw Failure(ErrorKind::not_audio, "not an audio file (no known container format)");
  }
  Input input(format);
  rc = avformat_find_stream_info(format, nullptr);
  format->opaque = nullptr;  // `refused` ends here; later requests are refused all the same
  if (refused) throw Failure(ErrorKind::unsupported, kRefers);
  if (rc < 0) {
    throw Failure(ErrorKind::decode, "cannot read stream information (" + error_text(rc) + ")");
  }
  return input;
}

}  // namespace trackprint::io
