#include "record/values.h"

#include <cmath>
#include <cstdio>

#include "doorstep/core/text_check.h"
#include "doorstep/core/value_check.h"

namespace doorstep::record {

const char* TypeName(v1::FieldType t) {
  switch (t) {
    case v1::TEXT: return "text";
    case v1::INTEGER: return "integer";
    case v1::DECIMAL: return "decimal";
    case v1::DATE: return "date";
    case v1::SELECT_ONE: return "select_one";
    case v1::SELECT_MULTIPLE: return "select_multiple";
    case v1::GEOPOINT: return "geopoint";
    case v1::SIGNATURE: return "signature";
    case v1::ATTACHMENT: return "attachment";
    case v1::GROUP: return "group";
    case v1::REPEAT: return "repeat";
    case v1::NOTE: return "note";
    default: return "unspecified";
  }
}

expr::ExprValue ToExpr(const v1::Value& v) {
  using expr::ExprValue;
  switch (v.kind_case()) {
    case v1::Value::kText: return ExprValue::String(v.text());
    case v1::Value::kInteger: return ExprValue::Number(static_cast<double>(v.integer()));
    case v1::Value::kDecimal: return ExprValue::Number(v.decimal());
    case v1::Value::kDate: return ExprValue::Date(v.date());
    case v1::Value::kSelectOne: return ExprValue::String(v.select_one());
    case v1::Value::kSelectMultiple: {
      std::string s;
      for (const auto& x : v.select_multiple().values()) {
        if (!s.empty()) s.push_back(' ');
        s += x;
      }
      return ExprValue::String(std::move(s));
    }
    case v1::Value::kGeopoint: {
      char buf[128];
      const auto& g = v.geopoint();
      std::snprintf(buf, sizeof buf, "%.7g %.7g %.7g %.7g", g.latitude(), g.longitude(),
                    g.altitude(), g.accuracy_m());
      return ExprValue::String(buf);
    }
    case v1::Value::kSignature: return ExprValue::String(v.signature().signer_name().empty()
                                                             ? "signed"
                                                             : v.signature().signer_name());
    case v1::Value::kAttachment: return ExprValue::String("attachment");
    case v1::Value::kInstance: return ExprValue::String("instance");
    case v1::Value::kFlag: return ExprValue::Bool(v.flag());
    case v1::Value::KIND_NOT_SET: break;
  }
  return ExprValue();
}

bool FromExpr(const CompiledForm& form, const FieldInfo& field, const expr::ExprValue& e,
              v1::Value* out) {
  using Kind = expr::ExprValue::Kind;
  out->Clear();
  if (e.kind() == Kind::kEmpty) return false;
  switch (field.def->type()) {
    case v1::TEXT: {
      std::string s = e.AsString();
      if (s.empty()) return false;
      out->set_text(std::move(s));
      return true;
    }
    case v1::INTEGER: {
      if (e.kind() == Kind::kString && e.AsString().empty()) return false;
      double d = e.AsNumber();
      if (!std::isfinite(d) || std::fabs(d) > 9.0e18) return false;
      out->set_integer(std::llround(d));
      return true;
    }
    case v1::DECIMAL: {
      if (e.kind() == Kind::kString && e.AsString().empty()) return false;
      double d = e.AsNumber();
      if (!std::isfinite(d)) return false;
      out->set_decimal(d);
      return true;
    }
    case v1::DATE: {
      if (e.kind() == Kind::kDate || e.kind() == Kind::kNumber) {
        double d = e.AsNumber();
        if (!std::isfinite(d) || std::fabs(d) > 3.0e6) return false;
        out->set_date(static_cast<int32_t>(std::floor(d)));
        return true;
      }
      int32_t days = 0;
      if (!expr::ParseIsoDate(e.AsString(), &days)) return false;
      out->set_date(days);
      return true;
    }
    case v1::SELECT_ONE: {
      std::string s = e.AsString();
      if (s.empty() || !form.HasChoice(field, s)) return false;
      out->set_select_one(std::move(s));
      return true;
    }
    default:
      return false;
  }
}

namespace {

Status Bad(const std::string& path, const std::string& msg) {
  return Status(Code::kInvalidArgument, msg, path);
}

Status CheckName(const std::string& s, const std::string& path, const char* what) {
  if (s.size() > kMaxNameBytes) {
    return Bad(path, std::string(what) + " longer than " + std::to_string(kMaxNameBytes) + " bytes");
  }
  return CheckText(s, path, what, false);
}

// A signature as stored or pushed: names are short single-line text, the strokes bounded and
// consistent (one dt and, when present, one pressure per point), the digest 32 bytes.
Status CheckSignatureValue(const v1::Signature& sig, const std::string& path) {
  DS_RETURN_IF_ERROR(CheckName(sig.role(), path, "signature role"));
  DS_RETURN_IF_ERROR(CheckName(sig.signer_name(), path, "signer name"));
  DS_RETURN_IF_ERROR(CheckName(sig.proxy_signer_name(), path, "proxy signer name"));
  if (!sig.content_sha256().empty() && sig.content_sha256().size() != 32) {
    return Bad(path, "signature content_sha256 must be 32 bytes");
  }
  size_t points = 0;
  for (int i = 0; i < sig.strokes_size(); ++i) {
    const v1::Stroke& s = sig.strokes(i);
    if (s.dy_size() != s.dx_size() || s.dt_size() != s.dx_size() ||
        (s.pressure_size() != 0 && s.pressure_size() != s.dx_size())) {
      return Bad(path, "signature stroke " + std::to_string(i) +
                           " has unequal numbers of dx, dy, dt and pressure values");
    }
    points += static_cast<size_t>(s.dx_size());
  }
  if (points > kMaxSignaturePoints) {
    return Status(Code::kResourceExhausted,
                  "signature has more than " + std::to_string(kMaxSignaturePoints) + " points",
                  path);
  }
  return Status::Ok();
}

}  // namespace

Status CheckValue(const CompiledForm& form, const FieldInfo& field, const v1::Value& v,
                  const std::string& path) {
  auto type = field.def->type();
  auto want = [&](v1::Value::KindCase k) -> Status {
    if (v.kind_case() == k) return Status::Ok();
    return Bad(path, std::string("field '") + field.name + "' holds a " + TypeName(type) +
                         " value");
  };
  switch (type) {
    case v1::TEXT:
      DS_RETURN_IF_ERROR(want(v1::Value::kText));
      if (v.text().size() > kMaxTextBytes) {
        return Bad(path, "text longer than " + std::to_string(kMaxTextBytes) + " bytes");
      }
      return CheckText(v.text(), path, "text");
    case v1::INTEGER: return want(v1::Value::kInteger);
    case v1::DECIMAL:
      DS_RETURN_IF_ERROR(want(v1::Value::kDecimal));
      if (!std::isfinite(v.decimal())) return Bad(path, "decimal must be a finite number");
      return Status::Ok();
    case v1::DATE:
      DS_RETURN_IF_ERROR(want(v1::Value::kDate));
      // 1800-01-01 .. 2200-12-31: anything outside is a typo, not a date of this survey.
      if (v.date() < -62091 || v.date() > 84005) return Bad(path, "date out of range 1800-2200");
      return Status::Ok();
    case v1::SELECT_ONE:
      DS_RETURN_IF_ERROR(want(v1::Value::kSelectOne));
      DS_RETURN_IF_ERROR(CheckName(v.select_one(), path, "choice"));
      if (!form.HasChoice(field, v.select_one())) {
        return Bad(path, "'" + v.select_one() + "' is not a choice of list '" +
                             field.def->choice_list() + "'");
      }
      return Status::Ok();
    case v1::SELECT_MULTIPLE: {
      DS_RETURN_IF_ERROR(want(v1::Value::kSelectMultiple));
      const auto& vals = v.select_multiple().values();
      for (int i = 0; i < vals.size(); ++i) {
        DS_RETURN_IF_ERROR(CheckName(vals[i], path, "choice"));
        if (!form.HasChoice(field, vals[i])) {
          return Bad(path, "'" + vals[i] + "' is not a choice of list '" +
                               field.def->choice_list() + "'");
        }
        if (i > 0 && !(vals[i - 1] < vals[i])) {
          return Bad(path, "select_multiple values must be sorted and unique");
        }
      }
      return Status::Ok();
    }
    case v1::GEOPOINT: {
      DS_RETURN_IF_ERROR(want(v1::Value::kGeopoint));
      const auto& g = v.geopoint();
      if (!(g.latitude() >= -90 && g.latitude() <= 90) ||
          !(g.longitude() >= -180 && g.longitude() <= 180) || !std::isfinite(g.altitude()) ||
          !(g.accuracy_m() >= 0)) {
        return Bad(path, "geopoint out of range (latitude -90..90, longitude -180..180)");
      }
      return Status::Ok();
    }
    case v1::SIGNATURE:
      DS_RETURN_IF_ERROR(want(v1::Value::kSignature));
      return CheckSignatureValue(v.signature(), path);
    case v1::ATTACHMENT: {
      DS_RETURN_IF_ERROR(want(v1::Value::kAttachment));
      const auto& a = v.attachment();
      if (a.sha256().size() != 32) return Bad(path, "attachment sha256 must be 32 bytes");
      if (a.media_type().size() > kMaxMediaTypeBytes) {
        return Bad(path, "media type longer than " + std::to_string(kMaxMediaTypeBytes) + " bytes");
      }
      if (a.file_name().size() > kMaxFileNameBytes) {
        return Bad(path, "file name longer than " + std::to_string(kMaxFileNameBytes) + " bytes");
      }
      if (a.size() > kMaxAttachmentValueBytes) return Bad(path, "attachment larger than 20 MiB");
      DS_RETURN_IF_ERROR(CheckText(a.media_type(), path, "media type", false));
      return CheckText(a.file_name(), path, "file name", false);
    }
    case v1::REPEAT: return want(v1::Value::kInstance);
    default:
      return Bad(path, std::string("field '") + field.name + "' (" + TypeName(type) +
                           ") holds no value");
  }
}

}  // namespace doorstep::record

namespace doorstep {

Status CheckFieldValue(const CompiledForm& form, const FieldInfo& field, const v1::Value& v,
                       const std::string& path) {
  return record::CheckValue(form, field, v, path);
}

}  // namespace doorstep

namespace doorstep::record {

bool SameValue(const v1::Value& a, const v1::Value& b) {
  if (a.kind_case() != b.kind_case()) return false;
  switch (a.kind_case()) {
    case v1::Value::kText: return a.text() == b.text();
    case v1::Value::kInteger: return a.integer() == b.integer();
    case v1::Value::kDecimal:
      return a.decimal() == b.decimal() || (std::isnan(a.decimal()) && std::isnan(b.decimal()));
    case v1::Value::kDate: return a.date() == b.date();
    case v1::Value::kSelectOne: return a.select_one() == b.select_one();
    case v1::Value::kInstance: return a.instance().ordinal() == b.instance().ordinal();
    case v1::Value::kFlag: return a.flag() == b.flag();
    case v1::Value::KIND_NOT_SET: return true;
    default: return a.SerializeAsString() == b.SerializeAsString();
  }
}

}  // namespace doorstep::record
