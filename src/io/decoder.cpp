#include "io/decoder.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/ffmpeg_tags.hpp"
#include "io/file_input.hpp"
#include "trackprint/error.hpp"

namespace trackprint::io {
namespace {

constexpr int kMaxCorruptFrames = 10000;

std::string av_error_text(int code) {
  std::array<char, AV_ERROR_MAX_STRING_SIZE> buf{};
  av_strerror(code, buf.data(), buf.size());
  return buf.data();
}

struct CodecFreer {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct SwrFreer {
  void operator()(SwrContext* s) const { swr_free(&s); }
};

Speaker speaker_of(const AVChannelLayout& layout, int index) {
  switch (av_channel_layout_channel_from_index(&layout, static_cast<unsigned>(index))) {
    case AV_CHAN_FRONT_LEFT:
      return Speaker::front_left;
    case AV_CHAN_FRONT_RIGHT:
      return Speaker::front_right;
    case AV_CHAN_FRONT_CENTER:
      return Speaker::center;
    case AV_CHAN_LOW_FREQUENCY:
      return Speaker::lfe;
    case AV_CHAN_BACK_LEFT:
    case AV_CHAN_SIDE_LEFT:
      return Speaker::surround_left;
    case AV_CHAN_BACK_RIGHT:
    case AV_CHAN_SIDE_RIGHT:
      return Speaker::surround_right;
    default:
      return Speaker::other;
  }
}

// A layout FFmpeg could not name (e.g. a WAV without a channel mask) is read with FFmpeg's
// default layout for that channel count, as ffmpeg itself does.
AVChannelLayout effective_layout(const AVChannelLayout& in) {
  AVChannelLayout out{};
  if (in.order == AV_CHANNEL_ORDER_UNSPEC || in.order == AV_CHANNEL_ORDER_CUSTOM) {
    av_channel_layout_default(&out, in.nb_channels);
  } else {
    av_channel_layout_copy(&out, &in);
  }
  return out;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f s", s);
  return buf;
}

Failure too_long(const std::string& what, double limit_s) {
  return Failure(ErrorKind::too_long, what + ", over the limit of " + seconds_text(limit_s) +
                                          " (--max-duration changes it)");
}

}  // namespace

struct Decoder::State {
  Input input;
  std::unique_ptr<AVCodecContext, CodecFreer> codec;
  std::unique_ptr<AVPacket, PacketFreer> packet{av_packet_alloc()};
  std::unique_ptr<AVFrame, FrameFreer> frame{av_frame_alloc()};
  std::unique_ptr<SwrContext, SwrFreer> convert;
  AVChannelLayout layout{};
  int stream_index = -1;
  bool draining = false;
  bool finished = false;
  int64_t frames_decoded = 0;
  int64_t max_frames = 0;
  int corrupt_packets = 0;
  std::vector<float*> planes;

  ~State() { av_channel_layout_uninit(&layout); }
};

Decoder::Decoder(const std::string& path, double max_duration_s)
    : state_(std::make_unique<State>()), path_(path), max_duration_s_(max_duration_s) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw Failure(ErrorKind::io, "no such file");
  if (std::filesystem::is_directory(status)) throw Failure(ErrorKind::io, "is a directory");
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw Failure(ErrorKind::io, std::string("cannot open: ") + std::strerror(errno));
  }
  if (std::filesystem::file_size(path, ec) == 0) throw Failure(ErrorKind::not_audio, "empty file");
  state_->input = open_file_input(path);
  open_stream();
}

Decoder::Decoder(std::span<const std::uint8_t> bytes, const std::string& name,
                 double max_duration_s)
    : state_(std::make_unique<State>()), path_(name), max_duration_s_(max_duration_s) {
  if (bytes.empty()) throw Failure(ErrorKind::not_audio, "empty file");
  state_->input = open_memory_input(bytes);
  open_stream();
}

void Decoder::open_stream() {
  if (!state_->packet || !state_->frame) throw std::bad_alloc();
  AVFormatContext* raw = state_->input.get();

  for (unsigned i = 0; i < raw->nb_streams; ++i) {
    if (raw->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) {
      state_->stream_index = static_cast<int>(i);
      break;
    }
  }
  if (state_->stream_index < 0) throw Failure(ErrorKind::no_audio, "no audio stream");
  AVStream* stream = raw->streams[state_->stream_index];
  tags_ = tags_from(raw->metadata, stream->metadata);
  const AVCodecParameters* par = stream->codecpar;
  // The limits, before a decoder is even opened: a crafted header costs nothing.
  const auto check_limits = [](int rate, int channels) {
    if (channels > kMaxChannels) {
      throw Failure(ErrorKind::unsupported, std::to_string(channels) +
                                                " channels; trackprint reads 1 to " +
                                                std::to_string(kMaxChannels));
    }
    if (rate > 0 && (rate < kMinSampleRate || rate > kMaxSampleRate)) {
      throw Failure(ErrorKind::unsupported, "sample rate " + std::to_string(rate) +
                                                " Hz; trackprint reads " +
                                                std::to_string(kMinSampleRate) + " to " +
                                                std::to_string(kMaxSampleRate) + " Hz");
    }
  };
  check_limits(par->sample_rate, par->ch_layout.nb_channels);
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (codec == nullptr) {
    throw Failure(ErrorKind::unsupported,
                  std::string("no decoder for codec ") + avcodec_get_name(par->codec_id));
  }
  state_->codec.reset(avcodec_alloc_context3(codec));
  if (!state_->codec) throw std::bad_alloc();
  int rc = avcodec_parameters_to_context(state_->codec.get(), par);
  if (rc < 0)
    throw Failure(ErrorKind::decode,
                  "cannot read the codec parameters (" + av_error_text(rc) + ")");
  rc = avcodec_open2(state_->codec.get(), codec, nullptr);
  if (rc < 0)
    throw Failure(ErrorKind::decode, "cannot open the " + std::string(codec->name) + " decoder (" +
                                         av_error_text(rc) + ")");

  const AVCodecContext* ctx = state_->codec.get();
  if (ctx->sample_rate <= 0 || ctx->ch_layout.nb_channels <= 0) {
    throw Failure(ErrorKind::decode, "the audio stream declares no sample rate or channels");
  }
  check_limits(ctx->sample_rate, ctx->ch_layout.nb_channels);
  info_.sample_rate = ctx->sample_rate;
  info_.channels = ctx->ch_layout.nb_channels;
  info_.codec = avcodec_get_name(par->codec_id);  // "mp3", not the decoder's "mp3float"
  state_->layout = effective_layout(ctx->ch_layout);
  if (state_->layout.nb_channels != info_.channels)
    throw Failure(ErrorKind::unsupported, "cannot read this channel layout");
  for (int c = 0; c < info_.channels; ++c) info_.speakers.push_back(speaker_of(state_->layout, c));
  // A duration guessed from the bitrate (a VBR MP3 without a Xing header) is no promise, so
  // it cannot reveal a truncated file.
  if (raw->duration_estimation_method != AVFMT_DURATION_FROM_BITRATE) {
    if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
      info_.declared_duration_s = static_cast<double>(stream->duration) * av_q2d(stream->time_base);
    } else if (raw->duration != AV_NOPTS_VALUE && raw->duration > 0) {
      info_.declared_duration_s = static_cast<double>(raw->duration) / AV_TIME_BASE;
    }
  }
  // Even a guessed duration over the limit is refused: guesses err by percents, not by hours.
  double announced_s = info_.declared_duration_s;
  if (announced_s == 0 && raw->duration != AV_NOPTS_VALUE && raw->duration > 0)
    announced_s = static_cast<double>(raw->duration) / AV_TIME_BASE;
  if (announced_s > max_duration_s_)
    throw too_long("declares " + seconds_text(announced_s) + " of audio", max_duration_s_);
  state_->max_frames = static_cast<int64_t>(std::min(max_duration_s_ * info_.sample_rate, 9.0e18));
}

Decoder::~Decoder() = default;

bool Decoder::next_block(std::vector<std::vector<float>>& channels) {
  State& s = *state_;
  AVCodecContext* ctx = s.codec.get();
  while (!s.finished) {
    int rc = avcodec_receive_frame(ctx, s.frame.get());
    if (rc == 0) {
      AVFrame* f = s.frame.get();
      if (f->ch_layout.nb_channels != info_.channels || f->sample_rate != info_.sample_rate) {
        throw Failure(ErrorKind::unsupported,
                      "the stream changes its rate or channel count midway");
      }
      if (!s.convert) {
        // Same rate and layout in and out: swresample only converts the sample format.
        SwrContext* swr = nullptr;
        rc = swr_alloc_set_opts2(&swr, &s.layout, AV_SAMPLE_FMT_FLTP, info_.sample_rate, &s.layout,
                                 static_cast<AVSampleFormat>(f->format), info_.sample_rate, 0,
                                 nullptr);
        if (rc < 0 || swr_init(swr) < 0) {
          swr_free(&swr);
          throw Failure(ErrorKind::unsupported, "cannot convert this sample format");
        }
        s.convert.reset(swr);
      }
      const auto n = static_cast<std::size_t>(f->nb_samples);
      channels.resize(static_cast<std::size_t>(info_.channels));
      s.planes.resize(channels.size());
      for (std::size_t c = 0; c < channels.size(); ++c) {
        channels[c].resize(n);
        s.planes[c] = channels[c].data();
      }
      rc = swr_convert(s.convert.get(), reinterpret_cast<uint8_t**>(s.planes.data()), f->nb_samples,
                       const_cast<const uint8_t**>(f->extended_data), f->nb_samples);
      av_frame_unref(f);
      if (rc < 0)
        throw Failure(ErrorKind::decode, "sample conversion failed (" + av_error_text(rc) + ")");
      s.frames_decoded += rc;
      if (s.frames_decoded > s.max_frames) throw too_long("decodes to more", max_duration_s_);
      if (rc == 0) continue;
      for (auto& ch : channels) ch.resize(static_cast<std::size_t>(rc));
      return true;
    }
    if (rc == AVERROR_EOF) {
      s.finished = true;
      break;
    }
    if (rc != AVERROR(EAGAIN)) {
      // A broken frame: count it, as ffmpeg would skip it, and go on; a decoder that does
      // nothing but fail is given up on rather than asked forever.
      if (++s.corrupt_packets > kMaxCorruptFrames) {
        throw Failure(ErrorKind::decode, "the audio stream is corrupt (" + av_error_text(rc) + ")");
      }
      continue;
    }
    if (s.draining) {
      s.finished = true;
      break;
    }
    // The decoder wants input.
    for (;;) {
      rc = av_read_frame(s.input.get(), s.packet.get());
      if (rc < 0) {
        // The file could not be read to its end (a disk or network error): not the end of
        // the track. FFmpeg keeps the system's error in the I/O context.
        const AVIOContext* pb = s.input.get()->pb;
        const bool pb_failed = pb != nullptr && pb->error < 0 && pb->error != AVERROR_EOF;
        const int read_error = pb_failed ? pb->error : rc;
        if (read_error == AVERROR(ENOMEM)) throw std::bad_alloc();
        if (pb_failed || is_read_failure(read_error)) {
          throw Failure(ErrorKind::io, "read error after " +
                                           seconds_text(static_cast<double>(s.frames_decoded) /
                                                        info_.sample_rate) +
                                           " of audio (" + av_error_text(read_error) + ")");
        }
        // End of input (or a truncated file, checked below): drain.
        rc = avcodec_send_packet(ctx, nullptr);
        if (rc < 0 && rc != AVERROR_EOF)
          throw Failure(ErrorKind::decode, "cannot drain the decoder (" + av_error_text(rc) + ")");
        s.draining = true;
        break;
      }
      const bool ours = s.packet->stream_index == s.stream_index;
      if (ours) {
        rc = avcodec_send_packet(ctx, s.packet.get());
        if (rc < 0 && rc != AVERROR(EAGAIN)) ++s.corrupt_packets;
      }
      av_packet_unref(s.packet.get());
      if (ours) break;
    }
  }
  if (s.frames_decoded == 0) {
    throw Failure(ErrorKind::decode, s.corrupt_packets > 0 ? "no decodable audio (corrupt stream)"
                                                           : "the audio stream is empty");
  }
  // A file cut short (an interrupted copy or download) decodes without error up to the cut;
  // fingerprinting it would describe a different track, so it is reported instead.
  const double decoded_s = static_cast<double>(s.frames_decoded) / info_.sample_rate;
  if (info_.declared_duration_s > 0 && decoded_s < 0.98 * info_.declared_duration_s - 0.1) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "truncated: decoded %.1f s of the %.1f s the file declares",
                  decoded_s, info_.declared_duration_s);
    throw Failure(ErrorKind::decode, msg);
  }
  return false;
}

}  // namespace trackprint::io
