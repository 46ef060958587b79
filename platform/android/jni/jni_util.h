// Helpers of the JNI layer (libdoorstep_jni): text across the boundary, DoorstepException from a
// status, arrays of Java objects built with a local frame per element, and the scope that carries
// a Java exception out of a callback.
//
// Rules every JNI function of this library keeps (docs/android.md):
//  - It calls only the C ABI (doorstep/c/doorstep.h), never C++ internals.
//  - It owns no Java reference beyond the call: no cached jclass or global ref. Callbacks (key
//    store, transport, progress) run on the calling thread before the C call returns, so the
//    local refs of the native method's arguments stay valid in them.
//  - Every loop that makes Java objects runs each iteration in its own local frame
//    (PushLocalFrame / PopLocalFrame), so a list of any length needs a fixed number of local refs.
//  - After every call into Java it checks for a pending exception.
//  - A failing status becomes a DoorstepException with the code, message and `where` of the
//    C ABI's last error (read at once: it is valid only until the next failing call).
#pragma once

#include <jni.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "doorstep/c/doorstep.h"

namespace doorstep_jni {

// Handles cross as jlong.
template <class T>
T* FromHandle(jlong handle) {
  return reinterpret_cast<T*>(static_cast<intptr_t>(handle));
}
template <class T>
jlong ToHandle(T* p) {
  return static_cast<jlong>(reinterpret_cast<intptr_t>(p));
}

// UTF-8 (as the C ABI speaks) to a Java string, through UTF-16: NewStringUTF expects modified
// UTF-8, which differs for characters outside the BMP (rare CJK characters in names) and NUL.
// Invalid sequences become U+FFFD. nullptr for a NULL pointer; nullptr with an exception pending
// on OutOfMemoryError.
jstring NewJavaString(JNIEnv* env, const char* utf8);

// A Java string as UTF-8 for the C ABI (surrogate pairs joined; a lone surrogate becomes U+FFFD).
class Utf8 {
 public:
  Utf8(JNIEnv* env, jstring s);
  // NULL for a Java null.
  const char* get() const { return null_ ? nullptr : text_.c_str(); }

 private:
  std::string text_;
  bool null_ = true;
};

// Bytes of a Java byte[] (null = empty, with is_null()).
class Bytes {
 public:
  Bytes(JNIEnv* env, jbyteArray a);
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(bytes_.data()); }
  size_t size() const { return bytes_.size(); }
  bool is_null() const { return null_; }

 private:
  std::string bytes_;
  bool null_ = true;
};

jbyteArray NewByteArray(JNIEnv* env, const uint8_t* data, size_t len);

// Throws a DoorstepException from the calling thread's last C ABI error when `status` is not
// DS_OK; returns true then. Does nothing (false) for DS_OK.
bool Fail(JNIEnv* env, ds_status status);
void ThrowDoorstep(JNIEnv* env, int code, const char* message, const char* where);
void ThrowIllegalState(JNIEnv* env, const char* message);

// A class and one of its constructors, looked up for one native call (no cached jclass: the
// local ref is deleted with the object). ok() is false with an exception pending.
class JavaClass {
 public:
  JavaClass(JNIEnv* env, const char* name, const char* ctor_signature);
  ~JavaClass();
  JavaClass(const JavaClass&) = delete;
  JavaClass& operator=(const JavaClass&) = delete;
  bool ok() const { return ctor_ != nullptr; }
  jclass cls() const { return cls_; }
  jmethodID ctor() const { return ctor_; }

 private:
  JNIEnv* env_;
  jclass cls_ = nullptr;
  jmethodID ctor_ = nullptr;
};

// Makes an array of `cls` of length n and fills it with make(i) for i < n, each call inside its
// own local frame of `frame_refs` references. make returns a local ref (nullptr with an exception
// pending stops the loop). Returns nullptr with the exception pending on failure.
template <class Make>
jobjectArray BuildArray(JNIEnv* env, const JavaClass& cls, size_t n, jint frame_refs, Make make) {
  if (!cls.ok()) return nullptr;
  jobjectArray out = env->NewObjectArray(static_cast<jsize>(n), cls.cls(), nullptr);
  if (out == nullptr) return nullptr;
  for (size_t i = 0; i < n; ++i) {
    if (env->PushLocalFrame(frame_refs) != 0) {
      env->DeleteLocalRef(out);
      return nullptr;
    }
    jobject item = make(i);
    if (env->ExceptionCheck()) item = nullptr;
    item = env->PopLocalFrame(item);
    if (item == nullptr) {
      env->DeleteLocalRef(out);
      return nullptr;
    }
    env->SetObjectArrayElement(out, static_cast<jsize>(i), item);
    env->DeleteLocalRef(item);
  }
  return out;
}

// Carries a Java exception thrown inside a callback out of the C call. A callback runs its body
// through Run(): the body gets its own local frame, and an exception it leaves pending is kept
// (the first one, as a local ref of the native method) and turned into an error status for the
// library; later callbacks of the same call are refused at once. The native method ends with
// Finish(status), which rethrows the kept exception or throws from the status.
class CallbackScope {
 public:
  explicit CallbackScope(JNIEnv* env);
  JNIEnv* env() const { return env_; }
  bool HasPending() const { return pending_ != nullptr; }

  // Runs body() (returning ds_status) in a local frame of `refs` references, on the calling
  // thread only (DS_INTERNAL otherwise: the C ABI promises callbacks on the caller's thread).
  // An exception of class `soft_class` (may be nullptr) is cleared and reported as
  // `soft_status` (a transport's IOException: DS_UNAVAILABLE, the library retries); any other
  // is kept and reported as `hard_status`.
  template <class Body>
  ds_status Run(jint refs, Body body, const char* soft_class, ds_status soft_status,
                ds_status hard_status) {
    if (pending_ != nullptr) return hard_status;
    if (!OnCallingThread()) return DS_INTERNAL;
    if (env_->PushLocalFrame(refs) != 0) {
      Capture();
      return hard_status;
    }
    ds_status status = body();
    env_->PopLocalFrame(nullptr);  // allowed with an exception pending
    if (!env_->ExceptionCheck()) return status;
    if (soft_class != nullptr && ClearIfInstance(soft_class)) return soft_status;
    Capture();
    return hard_status;
  }

  // Rethrows the kept exception, else Fail(env, status). True when something was thrown.
  bool Finish(ds_status status);

 private:
  bool OnCallingThread() const;
  void Capture();
  bool ClearIfInstance(const char* cls);

  JNIEnv* env_;
  JavaVM* vm_ = nullptr;
  jthrowable pending_ = nullptr;
};

}  // namespace doorstep_jni
