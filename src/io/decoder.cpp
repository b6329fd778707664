#include "io/decoder.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/ffmpeg_tags.hpp"
#include "trackprint/error.hpp"

namespace trackprint::io {
namespace {

constexpr int kMaxCorruptFrames = 10000;

std::string av_error_text(int code) {
  std::array<char, AV_ERROR_MAX_STRING_SIZE> buf{};
  av_strerror(code, buf.data(), buf.size());
  return buf.data();
}

struct FormatCloser {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
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

}  // namespace

struct Decoder::State {
  std::unique_ptr<AVFormatContext, FormatCloser> format;
  std::unique_ptr<AVCodecContext, CodecFreer> codec;
  std::unique_ptr<AVPacket, PacketFreer> packet{av_packet_alloc()};
  std::unique_ptr<AVFrame, FrameFreer> frame{av_frame_alloc()};
  std::unique_ptr<SwrContext, SwrFreer> convert;
  AVChannelLayout layout{};
  int stream_index = -1;
  bool draining = false;
  bool finished = false;
  int64_t frames_decoded = 0;
  int corrupt_packets = 0;
  std::vector<float*> planes;

  ~State() { av_channel_layout_uninit(&layout); }
};

Decoder::Decoder(const std::string& path) : state_(std::make_unique<State>()), path_(path) {
  av_log_set_level(AV_LOG_QUIET);  // reasons reach the user through Failure, not stderr noise
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw Failure(ErrorKind::io, "no such file");
  if (std::filesystem::is_directory(status)) throw Failure(ErrorKind::io, "is a directory");
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw Failure(ErrorKind::io, std::string("cannot open: ") + std::strerror(errno));
  }
  if (std::filesystem::file_size(path, ec) == 0) throw Failure(ErrorKind::not_audio, "empty file");

  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) {
    throw Failure(ErrorKind::not_audio, "not an audio file (no known container format)");
  }
  state_->format.reset(raw);
  rc = avformat_find_stream_info(raw, nullptr);
  if (rc < 0)
    throw Failure(ErrorKind::decode, "cannot read stream information (" + av_error_text(rc) + ")");

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
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (codec == nullptr) {
    throw Failure(ErrorKind::unsupported,
                  std::string("no decoder for codec ") + avcodec_get_name(par->codec_id));
  }
  state_->codec.reset(avcodec_alloc_context3(codec));
  if (!state_->codec) throw std::bad_alloc();
  avcodec_parameters_to_context(state_->codec.get(), par);
  rc = avcodec_open2(state_->codec.get(), codec, nullptr);
  if (rc < 0)
    throw Failure(ErrorKind::decode, "cannot open the " + std::string(codec->name) + " decoder (" +
                                         av_error_text(rc) + ")");

  const AVCodecContext* ctx = state_->codec.get();
  if (ctx->sample_rate <= 0 || ctx->ch_layout.nb_channels <= 0) {
    throw Failure(ErrorKind::decode, "the audio stream declares no sample rate or channels");
  }
  info_.sample_rate = ctx->sample_rate;
  info_.channels = ctx->ch_layout.nb_channels;
  info_.codec = avcodec_get_name(par->codec_id);  // "mp3", not the decoder's "mp3float"
  state_->layout = effective_layout(ctx->ch_layout);
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
      rc = av_read_frame(s.format.get(), s.packet.get());
      if (rc < 0) {
        avcodec_send_packet(ctx, nullptr);  // end of input (or a truncated file): drain
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
