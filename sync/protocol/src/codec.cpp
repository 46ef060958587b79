// Body encoding: zstd (libzstd), gzip (zlib), identity; size limits enforced while decompressing,
// so a decompression bomb stops at `max_out` instead of filling memory.
#include "doorstep/sync/codec.h"

#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>

#include "codec_internal.h"

namespace doorstep::sync {
namespace {

// ---- small text helpers ----

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string Offset(size_t n) {
  return "offset " + std::to_string(n);
}

// ---- per-thread compression contexts (creating one costs more than compressing a small body) ----

struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

ZSTD_CCtx* ThreadCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxFree> ctx(ZSTD_createCCtx());
  return ctx.get();
}

ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxFree> ctx(ZSTD_createDCtx());
  return ctx.get();
}

Status TooLarge(size_t max_out) {
  return Status(Code::kResourceExhausted,
                "decompressed body is over the limit of " + internal::DescribeBytes(max_out));
}

// The output buffer of a decompression: grows geometrically, never beyond max_out + 1 bytes (one
// byte past the limit is how an over-limit body is detected without decoding any further).
class OutBuffer {
 public:
  OutBuffer(size_t max_out, size_t initial) : max_out_(max_out) {
    out_.resize(std::min(Cap(), std::max<size_t>(initial, 1)));
  }
  // Makes room for more output; false when the limit is reached.
  bool Grow() {
    if (out_.size() >= Cap()) return false;
    size_t next = out_.size() < (size_t{1} << 16) ? size_t{1} << 16 : out_.size() * 2;
    out_.resize(std::min(Cap(), next));
    return true;
  }
  char* data() { return out_.data(); }
  size_t capacity() const { return out_.size(); }
  std::string Take(size_t produced) {
    out_.resize(produced);
    return std::move(out_);
  }

 private:
  size_t Cap() const { return max_out_ == SIZE_MAX ? SIZE_MAX : max_out_ + 1; }
  size_t max_out_;
  std::string out_;
};

// ---- zstd ----

Status ZstdCompress(std::string_view data, int level, std::string* out) {
  level = std::clamp(level, ZSTD_minCLevel(), ZSTD_maxCLevel());
  ZSTD_CCtx* cctx = ThreadCCtx();
  if (cctx == nullptr) return Status(Code::kResourceExhausted, "cannot allocate a zstd context");
  // Frames carry a content checksum (4 bytes): a damaged body fails to decode instead of
  // yielding different bytes that might still parse as a message.
  ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
  size_t n = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  if (!ZSTD_isError(n)) n = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  if (!ZSTD_isError(n)) {
    out->resize(ZSTD_compressBound(data.size()));
    n = ZSTD_compress2(cctx, out->data(), out->size(), data.data(), data.size());
  }
  if (ZSTD_isError(n)) {
    return Status(Code::kInternal, std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
  }
  out->resize(n);
  return Status::Ok();
}

Result<std::string> ZstdDecompress(std::string_view data, size_t max_out) {
  ZSTD_DCtx* dctx = ThreadDCtx();
  if (dctx == nullptr) return Status(Code::kResourceExhausted, "cannot allocate a zstd context");
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
  // A window larger than the output limit only serves to make us allocate: refuse such frames
  // (2^24 = 16 MiB covers every body within kMaxBody, whatever level the sender used).
  constexpr int kZstdDefaultWindowLogLimit = 27;  // ZSTD_WINDOWLOG_LIMIT_DEFAULT (static API only)
  int window_log = 24;
  while (window_log < kZstdDefaultWindowLogLimit && (size_t{1} << window_log) < max_out) {
    ++window_log;
  }
  ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, window_log);

  size_t initial = 0;
  unsigned long long declared = ZSTD_getFrameContentSize(data.data(), data.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR) {
    // The frame says how big it is: refuse an over-limit frame before decoding anything.
    if (declared > max_out) return TooLarge(max_out);
    initial = static_cast<size_t>(declared);
  } else {
    initial = data.size() > SIZE_MAX / 4 ? SIZE_MAX : std::max<size_t>(data.size() * 4, 1 << 16);
  }
  OutBuffer out(max_out, initial);
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  size_t produced = 0;
  for (;;) {
    if (produced == out.capacity() && !out.Grow()) return TooLarge(max_out);
    ZSTD_outBuffer o{out.data(), out.capacity(), produced};
    size_t ret = ZSTD_decompressStream(dctx, &o, &in);
    produced = o.pos;
    if (ZSTD_isError(ret)) {
      ZSTD_ErrorCode code = ZSTD_getErrorCode(ret);
      if (code == ZSTD_error_frameParameter_windowTooLarge) {
        return Status(Code::kResourceExhausted,
                      "zstd frame needs a window over the limit of " +
                          internal::DescribeBytes(size_t{1} << window_log),
                      Offset(in.pos));
      }
      if (code == ZSTD_error_memory_allocation) {
        return Status(Code::kResourceExhausted, "out of memory decompressing zstd data");
      }
      return Status(Code::kCorruption,
                    std::string("zstd data is corrupt: ") + ZSTD_getErrorName(ret), Offset(in.pos));
    }
    if (produced > max_out) return TooLarge(max_out);
    if (ret == 0 && in.pos == in.size) break;  // last frame complete, input consumed
    if (in.pos == in.size && produced < out.capacity()) {
      // Everything read and flushed, yet the frame wants more input.
      return Status(Code::kCorruption, data.empty() ? "empty zstd body" : "zstd data is truncated",
                    Offset(data.size()));
    }
  }
  return out.Take(produced);
}

// ---- gzip ----

// zlib levels are 1..9; anything else (zstd-style 0 or negative "fast" levels) means zlib's
// default.
int GzipLevel(int level) {
  if (level <= 0) return Z_DEFAULT_COMPRESSION;
  return std::min(level, 9);
}

Status GzipCompress(std::string_view data, int level, std::string* out) {
  z_stream zs{};
  if (deflateInit2(&zs, GzipLevel(level), Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status(Code::kResourceExhausted, "cannot initialise zlib");
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, deflateEnd);
  out->resize(deflateBound(&zs, static_cast<uLong>(data.size())));
  zs.next_out = reinterpret_cast<Bytef*>(out->data());
  zs.avail_out = static_cast<uInt>(std::min<size_t>(out->size(), UINT_MAX));
  const char* next = data.data();
  size_t left = data.size();
  for (;;) {
    size_t chunk = std::min<size_t>(left, UINT_MAX);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(next));
    zs.avail_in = static_cast<uInt>(chunk);
    bool last = chunk == left;
    int rc = deflate(&zs, last ? Z_FINISH : Z_NO_FLUSH);
    next += chunk - zs.avail_in;
    left -= chunk - zs.avail_in;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return Status(Code::kInternal, "gzip compression failed");
    }
    if (zs.avail_out == 0) {  // deflateBound is exact for one call; be safe anyway
      size_t used = out->size();
      out->resize(used * 2);
      zs.next_out = reinterpret_cast<Bytef*>(out->data() + used);
      zs.avail_out = static_cast<uInt>(std::min<size_t>(out->size() - used, UINT_MAX));
    }
  }
  out->resize(zs.total_out);
  return Status::Ok();
}

Result<std::string> GzipDecompress(std::string_view data, size_t max_out) {
  if (data.size() > UINT_MAX) {
    return Status(Code::kResourceExhausted,
                  "gzip body is over " + internal::DescribeBytes(UINT_MAX));
  }
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    return Status(Code::kResourceExhausted, "cannot initialise zlib");
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  size_t initial =
      data.size() > SIZE_MAX / 4 ? SIZE_MAX : std::max<size_t>(data.size() * 4, 1 << 16);
  OutBuffer out(max_out, initial);
  size_t produced = 0;
  for (;;) {
    if (produced == out.capacity() && !out.Grow()) return TooLarge(max_out);
    size_t room = std::min<size_t>(out.capacity() - produced, UINT_MAX);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(room);
    int rc = inflate(&zs, Z_NO_FLUSH);
    produced += room - zs.avail_out;
    size_t consumed = data.size() - zs.avail_in;
    if (produced > max_out) return TooLarge(max_out);
    switch (rc) {
      case Z_STREAM_END:
        if (zs.avail_in == 0) return out.Take(produced);
        // Another gzip member follows (concatenated members are one valid gzip stream).
        if (inflateReset(&zs) != Z_OK) return Status(Code::kInternal, "inflateReset failed");
        break;
      case Z_OK:
        break;
      case Z_BUF_ERROR:
        if (zs.avail_in == 0) {
          return Status(Code::kCorruption,
                        data.empty() ? "empty gzip body" : "gzip data is truncated",
                        Offset(data.size()));
        }
        break;  // output full: grow and go on
      case Z_MEM_ERROR:
        return Status(Code::kResourceExhausted, "out of memory decompressing gzip data");
      default:  // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
        return Status(Code::kCorruption,
                      std::string("gzip data is corrupt: ") + (zs.msg ? zs.msg : "invalid data"),
                      Offset(consumed));
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out > 0) {
      return Status(Code::kCorruption, "gzip data is truncated", Offset(data.size()));
    }
  }
}

}  // namespace

namespace internal {

std::string DescribeBytes(size_t n) {
  std::string s;
  if (n >= (size_t{1} << 20) && n % (size_t{1} << 20) == 0) {
    s = std::to_string(n >> 20) + " MiB (";
  } else if (n >= (size_t{1} << 10) && n % (size_t{1} << 10) == 0) {
    s = std::to_string(n >> 10) + " KiB (";
  } else {
    return std::to_string(n) + " bytes";
  }
  return s + std::to_string(n) + " bytes)";
}

int WireLevel(Encoding encoding, size_t raw_size) {
  bool small = raw_size <= kHighLevelMaxRaw;
  switch (encoding) {
    case Encoding::kIdentity:
      return 0;
    case Encoding::kZstd:
      return small ? 15 : 3;
    case Encoding::kGzip:
      return small ? 9 : 6;
  }
  return 0;
}

Status CompressInto(std::string_view data, Encoding encoding, int level, std::string* out) {
  switch (encoding) {
    case Encoding::kIdentity:
      out->assign(data);
      return Status::Ok();
    case Encoding::kZstd:
      return ZstdCompress(data, level, out);
    case Encoding::kGzip:
      return GzipCompress(data, level, out);
  }
  return Status(Code::kInvalidArgument, "unknown encoding");
}

}  // namespace internal

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kIdentity:
      return "identity";
    case Encoding::kZstd:
      return "zstd";
    case Encoding::kGzip:
      return "gzip";
  }
  return "identity";
}

Result<Encoding> ParseEncoding(std::string_view content_encoding) {
  std::string_view v = Trim(content_encoding);
  if (v.empty() || EqualsNoCase(v, "identity")) return Encoding::kIdentity;
  if (EqualsNoCase(v, "zstd")) return Encoding::kZstd;
  if (EqualsNoCase(v, "gzip") || EqualsNoCase(v, "x-gzip")) return Encoding::kGzip;
  return Status(Code::kInvalidArgument,
                "unsupported Content-Encoding '" + std::string(v) + "' (zstd, gzip or identity)",
                "Content-Encoding");
}

Encoding ChooseEncoding(std::string_view accept_encoding) {
  // Per coding: 0 = not mentioned, 1 = accepted, -1 = refused (q=0). Other q-values are ignored:
  // our preference order (zstd > gzip) decides among the accepted ones.
  int zstd = 0, gzip = 0, any = 0;
  while (!accept_encoding.empty()) {
    size_t comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    size_t semi = item.find(';');
    std::string_view name = Trim(item.substr(0, semi));
    int verdict = 1;
    while (semi != std::string_view::npos) {
      item = item.substr(semi + 1);
      semi = item.find(';');
      std::string_view param = Trim(item.substr(0, semi));
      if (param.size() < 2 || Lower(param[0]) != 'q') continue;
      param = Trim(param.substr(1));
      if (param.empty() || param[0] != '=') continue;
      std::string_view q = Trim(param.substr(1));
      bool zero = !q.empty() && q.find_first_not_of("0.") == std::string_view::npos && q[0] == '0';
      if (zero) verdict = -1;
    }
    if (EqualsNoCase(name, "zstd")) {
      zstd = verdict;
    } else if (EqualsNoCase(name, "gzip") || EqualsNoCase(name, "x-gzip")) {
      gzip = verdict;
    } else if (name == "*") {
      any = verdict;
    }
  }
  auto accepted = [any](int explicit_verdict) {
    return explicit_verdict == 1 || (explicit_verdict == 0 && any == 1);
  };
  if (accepted(zstd)) return Encoding::kZstd;
  if (accepted(gzip)) return Encoding::kGzip;
  return Encoding::kIdentity;
}

Result<std::string> Compress(std::string_view data, Encoding encoding, int level) {
  std::string out;
  DS_RETURN_IF_ERROR(internal::CompressInto(data, encoding, level, &out));
  return out;
}

Result<std::string> Decompress(std::string_view data, Encoding encoding, size_t max_out) {
  switch (encoding) {
    case Encoding::kIdentity:
      if (data.size() > max_out) return TooLarge(max_out);
      return std::string(data);
    case Encoding::kZstd:
      return ZstdDecompress(data, max_out);
    case Encoding::kGzip:
      return GzipDecompress(data, max_out);
  }
  return Status(Code::kInvalidArgument, "unknown encoding");
}

Result<std::string> EncodeBody(const google::protobuf::MessageLite& message, Encoding encoding) {
  size_t size = message.ByteSizeLong();
  if (size > static_cast<size_t>(INT_MAX)) {
    return Status(Code::kResourceExhausted, message.GetTypeName() + " is over 2 GiB");
  }
  std::string raw;
  if (!message.SerializeToString(&raw)) {
    return Status(Code::kInternal, "cannot serialize " + message.GetTypeName());
  }
  if (encoding == Encoding::kIdentity) return raw;
  return Compress(raw, encoding, internal::WireLevel(encoding, raw.size()));
}

Status DecodeBody(std::string_view body, Encoding encoding, google::protobuf::MessageLite* out) {
  if (body.size() > kMaxCompressedBody) {
    return Status(Code::kResourceExhausted,
                  "body of " + std::to_string(body.size()) + " bytes is over the limit of " +
                      internal::DescribeBytes(kMaxCompressedBody) + " on the wire");
  }
  std::string plain;
  std::string_view bytes = body;
  if (encoding != Encoding::kIdentity) {
    DS_ASSIGN_OR_RETURN(plain, Decompress(body, encoding, kMaxBody));
    bytes = plain;
  }
  if (!out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status(Code::kParse, "body is not a valid " + out->GetTypeName());
  }
  return Status::Ok();
}

}  // namespace doorstep::sync
