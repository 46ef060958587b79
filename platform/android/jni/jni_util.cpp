// Text, errors and arrays across JNI (jni_util.h).
#include "jni_util.h"

#include <vector>

namespace doorstep_jni {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one UTF-8 sequence at s[i] (advancing i); kReplacement for an invalid one.
char32_t DecodeUtf8(const unsigned char* s, size_t n, size_t& i) {
  unsigned char b = s[i++];
  if (b < 0x80) return b;
  int extra = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b & 0xE0) == 0xC0) {
    extra = 1, cp = b & 0x1F, min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    extra = 2, cp = b & 0x0F, min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    extra = 3, cp = b & 0x07, min = 0x10000;
  } else {
    return kReplacement;
  }
  for (int k = 0; k < extra; ++k) {
    if (i >= n || (s[i] & 0xC0) != 0x80) return kReplacement;
    cp = (cp << 6) | (s[i++] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kReplacement;
  return cp;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

jstring NewJavaString(JNIEnv* env, const char* utf8) {
  if (utf8 == nullptr) return nullptr;
  const auto* s = reinterpret_cast<const unsigned char*>(utf8);
  size_t n = 0;
  bool ascii = true;
  for (; s[n] != 0; ++n) ascii = ascii && s[n] < 0x80;
  if (ascii) return env->NewStringUTF(utf8);  // ASCII is the same in modified UTF-8
  std::vector<jchar> units;
  units.reserve(n);
  for (size_t i = 0; i < n;) {
    char32_t cp = DecodeUtf8(s, n, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push_back(static_cast<jchar>(0xD800 + (cp >> 10)));
      units.push_back(static_cast<jchar>(0xDC00 + (cp & 0x3FF)));
    } else {
      units.push_back(static_cast<jchar>(cp));
    }
  }
  return env->NewString(units.data(), static_cast<jsize>(units.size()));
}

Utf8::Utf8(JNIEnv* env, jstring s) {
  if (s == nullptr) return;
  null_ = false;
  jsize n = env->GetStringLength(s);
  std::vector<jchar> units(static_cast<size_t>(n));
  env->GetStringRegion(s, 0, n, units.data());
  text_.reserve(static_cast<size_t>(n) * 3);
  for (size_t i = 0; i < units.size(); ++i) {
    char32_t u = units[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units.size() && units[i + 1] >= 0xDC00 &&
        units[i + 1] <= 0xDFFF) {
      u = 0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00);
      ++i;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      u = kReplacement;
    }
    AppendUtf8(text_, u);
  }
}

Bytes::Bytes(JNIEnv* env, jbyteArray a) {
  if (a == nullptr) return;
  null_ = false;
  jsize n = env->GetArrayLength(a);
  bytes_.resize(static_cast<size_t>(n));
  env->GetByteArrayRegion(a, 0, n, reinterpret_cast<jbyte*>(bytes_.data()));
}

jbyteArray NewByteArray(JNIEnv* env, const uint8_t* data, size_t len) {
  jbyteArray a = env->NewByteArray(static_cast<jsize>(len));
  if (a != nullptr && len > 0) {
    env->SetByteArrayRegion(a, 0, static_cast<jsize>(len), reinterpret_cast<const jbyte*>(data));
  }
  return a;
}

void ThrowDoorstep(JNIEnv* env, int code, const char* message, const char* where) {
  jclass c = env->FindClass("org/doorstep/DoorstepException");
  if (c == nullptr) return;  // NoClassDefFoundError pending
  jmethodID init = env->GetMethodID(c, "<init>", "(ILjava/lang/String;Ljava/lang/String;)V");
  jstring m = init != nullptr ? NewJavaString(env, message) : nullptr;
  jstring w = m != nullptr ? NewJavaString(env, where) : nullptr;
  if (w != nullptr) {
    auto* e = static_cast<jthrowable>(env->NewObject(c, init, static_cast<jint>(code), m, w));
    if (e != nullptr) env->Throw(e);
    env->DeleteLocalRef(e);
  }
  env->DeleteLocalRef(w);
  env->DeleteLocalRef(m);
  env->DeleteLocalRef(c);
}

bool Fail(JNIEnv* env, ds_status status) {
  if (status == DS_OK) return false;
  // Copies first: the C strings are valid only until the next failing call.
  std::string message = ds_last_error_message();
  std::string where = ds_last_error_where();
  if (message.empty()) message = ds_status_name(status);
  if (!env->ExceptionCheck()) ThrowDoorstep(env, status, message.c_str(), where.c_str());
  return true;
}

void ThrowIllegalState(JNIEnv* env, const char* message) {
  jclass c = env->FindClass("java/lang/IllegalStateException");
  if (c != nullptr) env->ThrowNew(c, message);
  env->DeleteLocalRef(c);
}

JavaClass::JavaClass(JNIEnv* env, const char* name, const char* ctor_signature) : env_(env) {
  cls_ = env->FindClass(name);
  if (cls_ != nullptr) ctor_ = env->GetMethodID(cls_, "<init>", ctor_signature);
}

JavaClass::~JavaClass() {
  env_->DeleteLocalRef(cls_);
}

CallbackScope::CallbackScope(JNIEnv* env) : env_(env) {
  env->GetJavaVM(&vm_);
}

bool CallbackScope::OnCallingThread() const {
  void* current = nullptr;
  if (vm_ == nullptr || vm_->GetEnv(&current, JNI_VERSION_1_6) != JNI_OK) return false;
  return current == env_;
}

void CallbackScope::Capture() {
  if (!env_->ExceptionCheck()) return;
  jthrowable t = env_->ExceptionOccurred();  // in the native method's frame (callback's popped)
  env_->ExceptionClear();
  if (pending_ == nullptr) {
    pending_ = t;
  } else {
    env_->DeleteLocalRef(t);
  }
}

bool CallbackScope::ClearIfInstance(const char* cls) {
  if (!env_->ExceptionCheck()) return false;
  jthrowable t = env_->ExceptionOccurred();
  env_->ExceptionClear();
  jclass c = env_->FindClass(cls);
  bool match = c != nullptr && env_->IsInstanceOf(t, c);
  if (c == nullptr) env_->ExceptionClear();
  env_->DeleteLocalRef(c);
  if (!match) env_->Throw(t);
  env_->DeleteLocalRef(t);
  return match;
}

bool CallbackScope::Finish(ds_status status) {
  if (pending_ != nullptr) {
    env_->Throw(pending_);
    env_->DeleteLocalRef(pending_);
    pending_ = nullptr;
    return true;
  }
  return Fail(env_, status);
}

}  // namespace doorstep_jni
