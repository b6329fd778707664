#include "io/file_input.hpp"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/log.h>
}

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
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

// A file held in memory, read through FFmpeg's custom I/O.
struct MemorySource {
  std::span<const std::uint8_t> bytes;
  std::size_t position = 0;

  static int read(void* opaque, uint8_t* buf, int size) {
    auto& m = *static_cast<MemorySource*>(opaque);
    const std::size_t n = std::min(static_cast<std::size_t>(size), m.bytes.size() - m.position);
    if (n == 0) return AVERROR_EOF;
    std::memcpy(buf, m.bytes.data() + m.position, n);
    m.position += n;
    return static_cast<int>(n);
  }
  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto& m = *static_cast<MemorySource*>(opaque);
    const auto size = static_cast<int64_t>(m.bytes.size());
    int64_t target = 0;
    switch (whence & ~AVSEEK_FORCE) {
      case AVSEEK_SIZE:
        return size;
      case SEEK_SET:
        target = offset;
        break;
      case SEEK_CUR:
        target = static_cast<int64_t>(m.position) + offset;
        break;
      case SEEK_END:
        target = size + offset;
        break;
      default:
        return AVERROR(EINVAL);
    }
    if (target < 0 || target > size) return AVERROR(EINVAL);
    m.position = static_cast<std::size_t>(target);
    return target;
  }
};

// The container of `input.io`, opened and probed into `input.format`; `url` names it (a file's
// "file:PATH", which some demuxers read the extension of).
void open_container(Input& input, const std::string& url) {
  av_log_set_level(AV_LOG_QUIET);  // reasons reach the user through Failure, not stderr noise
  AVFormatContext* format = avformat_alloc_context();
  if (format == nullptr) throw std::bad_alloc();
  format->pb = input.io.get();
  format->flags |= AVFMT_FLAG_CUSTOM_IO;
  format->io_open = refuse_nested_open;
  bool refused = false;
  format->opaque = &refused;
  AVDictionary* options = nullptr;
  av_dict_set(&options, "protocol_whitelist", kNestedProtocols, 0);
  int rc = avformat_open_input(&format, url.c_str(), nullptr, &options);
  av_dict_free(&options);
  if (rc < 0) {  // `format` is freed already
    if (refused) throw Failure(ErrorKind::unsupported, kRefers);
    if (rc == AVERROR(ENOMEM)) throw std::bad_alloc();
    if (is_read_failure(rc)) throw Failure(ErrorKind::io, "cannot read (" + error_text(rc) + ")");
    throw Failure(ErrorKind::not_audio, "not an audio file (no known container format)");
  }
  input.format.reset(format);
  rc = avformat_find_stream_info(format, nullptr);
  format->opaque = nullptr;  // `refused` ends here; later requests are refused all the same
  if (refused) throw Failure(ErrorKind::unsupported, kRefers);
  if (rc < 0) {
    throw Failure(ErrorKind::decode, "cannot read stream information (" + error_text(rc) + ")");
  }
}

}  // namespace

void IoCloser::operator()(AVIOContext* io) const {
  if (memory) {
    delete static_cast<MemorySource*>(io->opaque);
    av_freep(&io->buffer);  // FFmpeg may have replaced the buffer given to it
    avio_context_free(&io);
  } else {
    avio_closep(&io);
  }
}

void FormatCloser::operator()(AVFormatContext* format) const {
  avformat_close_input(&format);
}

bool is_read_failure(int code) {
  for (const int e : {EIO, EACCES, EPERM, ENOENT, ENXIO, ENODEV, EBADF, ESTALE, ETIMEDOUT}) {
    if (code == AVERROR(e)) return true;
  }
  return false;
}

Input open_file_input(const std::string& path) {
  const std::string url = "file:" + path;
  AVDictionary* options = nullptr;
  av_dict_set(&options, "protocol_whitelist", kProtocols, 0);
  AVIOContext* io = nullptr;
  const int rc = avio_open2(&io, url.c_str(), AVIO_FLAG_READ, nullptr, &options);
  av_dict_free(&options);
  if (rc < 0) throw Failure(ErrorKind::io, "cannot open: " + error_text(rc));
  Input input{std::unique_ptr<AVIOContext, IoCloser>(io, IoCloser{false}), nullptr};
  open_container(input, url);
  return input;
}

Input open_memory_input(std::span<const std::uint8_t> bytes) {
  constexpr int kBufferSize = 1 << 14;
  auto source = std::make_unique<MemorySource>(MemorySource{bytes});
  auto* buffer = static_cast<unsigned char*>(av_malloc(kBufferSize));
  if (buffer == nullptr) throw std::bad_alloc();
  AVIOContext* io = avio_alloc_context(buffer, kBufferSize, 0, source.get(), &MemorySource::read,
                                       nullptr, &MemorySource::seek);
  if (io == nullptr) {
    av_free(buffer);
    throw std::bad_alloc();
  }
  source.release();  // owned by `io` from here on (IoCloser)
  Input input{std::unique_ptr<AVIOContext, IoCloser>(io, IoCloser{true}), nullptr};
  open_container(input, "");
  return input;
}

}  // namespace trackprint::io
