// JNI over the C ABI: transports (a Java Transport behind a ds_transport, the built-in libcurl
// one), cancel tokens, enroll, sync with progress, conflicts. org.doorstep.Native; rules in
// jni_util.h.
#include <string>

#include "jni_util.h"

#define DS_JNI(ret, name) extern "C" JNIEXPORT ret JNICALL Java_org_doorstep_Native_##name

using doorstep_jni::BuildArray;
using doorstep_jni::CallbackScope;
using doorstep_jni::Fail;
using doorstep_jni::FromHandle;
using doorstep_jni::JavaClass;
using doorstep_jni::NewJavaString;
using doorstep_jni::ToHandle;
using doorstep_jni::Utf8;

namespace {

// ---- a Java Transport behind a ds_transport, for one native call ------------------------------

struct JavaTransport {
  CallbackScope* scope;
  jobject transport;  // the native method's argument
};

// The request as org.doorstep.HttpRequest (headers flattened name, value, ...).
jobject MakeRequest(JNIEnv* env, const ds_http_request* request) {
  JavaClass cls(env, "org/doorstep/HttpRequest",
                "(Ljava/lang/String;Ljava/lang/String;[Ljava/lang/String;[B)V");
  jclass string_class = cls.ok() ? env->FindClass("java/lang/String") : nullptr;
  if (string_class == nullptr) return nullptr;
  size_t n = ds_http_request_header_count(request);
  jobjectArray headers = env->NewObjectArray(static_cast<jsize>(2 * n), string_class, nullptr);
  env->DeleteLocalRef(string_class);
  // Each allocation below may fail with an OutOfMemoryError pending (a body can be a photo chunk
  // of megabytes): return before the next JNI call, never call on with an exception pending.
  if (headers == nullptr) return nullptr;
  for (size_t i = 0; i < 2 * n; ++i) {
    jstring s = NewJavaString(env, i % 2 == 0 ? ds_http_request_header_name(request, i / 2)
                                              : ds_http_request_header_value(request, i / 2));
    if (s == nullptr) return nullptr;
    env->SetObjectArrayElement(headers, static_cast<jsize>(i), s);
    env->DeleteLocalRef(s);
  }
  size_t len = 0;
  const uint8_t* body = ds_http_request_body(request, &len);
  jbyteArray body_array = doorstep_jni::NewByteArray(env, body, body == nullptr ? 0 : len);
  if (body_array == nullptr) return nullptr;
  jstring method = NewJavaString(env, ds_http_request_method(request));
  if (method == nullptr) return nullptr;
  jstring url = NewJavaString(env, ds_http_request_url(request));
  if (url == nullptr) return nullptr;
  return env->NewObject(cls.cls(), cls.ctor(), method, url, headers, body_array);
}

// Copies an org.doorstep.HttpResponse into the library's response.
ds_status ReadResponse(JNIEnv* env, jobject answer, ds_http_response* response) {
  jclass cls = env->GetObjectClass(answer);
  jmethodID status = env->GetMethodID(cls, "status", "()I");
  jmethodID headers = env->GetMethodID(cls, "headerArray", "()[Ljava/lang/String;");
  jmethodID body = env->GetMethodID(cls, "bodyArray", "()[B");
  if (status == nullptr || headers == nullptr || body == nullptr) return DS_INTERNAL;
  jint http_status = env->CallIntMethod(answer, status);
  if (env->ExceptionCheck()) return DS_CANCELLED;
  auto header_array = static_cast<jobjectArray>(env->CallObjectMethod(answer, headers));
  if (env->ExceptionCheck()) return DS_CANCELLED;
  auto body_array = static_cast<jbyteArray>(env->CallObjectMethod(answer, body));
  if (env->ExceptionCheck()) return DS_CANCELLED;
  ds_http_response_set_status(response, http_status);
  jsize n = header_array == nullptr ? 0 : env->GetArrayLength(header_array);
  for (jsize i = 0; i + 1 < n; i += 2) {
    auto name = static_cast<jstring>(env->GetObjectArrayElement(header_array, i));
    auto value = static_cast<jstring>(env->GetObjectArrayElement(header_array, i + 1));
    ds_http_response_add_header(response, Utf8(env, name).get(), Utf8(env, value).get());
    env->DeleteLocalRef(value);
    env->DeleteLocalRef(name);
  }
  doorstep_jni::Bytes bytes(env, body_array);
  ds_http_response_set_body(response, bytes.data(), bytes.size());
  return DS_OK;
}

ds_status CallTransport(JNIEnv* env, jobject transport, const ds_http_request* request,
                        ds_http_response* response) {
  jobject java_request = MakeRequest(env, request);
  if (java_request == nullptr) return DS_INTERNAL;
  jclass cls = env->GetObjectClass(transport);
  jmethodID send =
      env->GetMethodID(cls, "send", "(Lorg/doorstep/HttpRequest;)Lorg/doorstep/HttpResponse;");
  if (send == nullptr) return DS_INTERNAL;
  jobject answer = env->CallObjectMethod(transport, send, java_request);
  if (env->ExceptionCheck()) return DS_CANCELLED;  // IOException: DS_UNAVAILABLE (Run)
  if (answer == nullptr) {
    jclass npe = env->FindClass("java/lang/NullPointerException");
    if (npe != nullptr) env->ThrowNew(npe, "Transport.send returned null");
    return DS_CANCELLED;
  }
  return ReadResponse(env, answer, response);
}

ds_status Send(void* context, const ds_http_request* request, ds_http_response* response) {
  auto* t = static_cast<JavaTransport*>(context);
  return t->scope->Run(
      32, [&] { return CallTransport(t->scope->env(), t->transport, request, response); },
      "java/io/IOException", DS_UNAVAILABLE, DS_CANCELLED);
}

// The transport of a call: the built-in one (curl != 0) or the Java one behind `fallback`.
const ds_transport* Pick(jlong curl, jobject transport, ds_transport* fallback) {
  if (curl != 0) return FromHandle<ds_transport>(curl);
  return transport != nullptr ? fallback : nullptr;
}

// ---- progress ---------------------------------------------------------------------------------

struct JavaProgress {
  CallbackScope* scope;
  jobject listener;
  ds_cancel* cancel;
};

ds_status CallListener(JNIEnv* env, jobject listener, const ds_sync_progress* p) {
  JavaClass cls(env, "org/doorstep/SyncProgress", "(IJJJJJ)V");
  if (!cls.ok()) return DS_INTERNAL;
  jobject progress = env->NewObject(
      cls.cls(), cls.ctor(), static_cast<jint>(p->phase), static_cast<jlong>(p->changes_to_push),
      static_cast<jlong>(p->changes_pushed), static_cast<jlong>(p->changes_pulled),
      static_cast<jlong>(p->bytes_sent), static_cast<jlong>(p->bytes_received));
  if (progress == nullptr) return DS_INTERNAL;
  jclass listener_class = env->GetObjectClass(listener);
  jmethodID on = env->GetMethodID(listener_class, "onProgress", "(Lorg/doorstep/SyncProgress;)V");
  if (on == nullptr) return DS_INTERNAL;
  env->CallVoidMethod(listener, on, progress);
  return env->ExceptionCheck() ? DS_CANCELLED : DS_OK;
}

void OnProgress(void* context, const ds_sync_progress* progress) {
  auto* p = static_cast<JavaProgress*>(context);
  ds_status status = p->scope->Run(
      8, [&] { return CallListener(p->scope->env(), p->listener, progress); }, nullptr, DS_OK,
      DS_CANCELLED);
  if (status != DS_OK) ds_cancel_request(p->cancel);  // the listener threw: stop the sync
}

// ---- reports ----------------------------------------------------------------------------------

jobjectArray ReportConflicts(JNIEnv* env, const ds_sync_report* r) {
  JavaClass cls(env, "org/doorstep/SyncReport$Conflict",
                "(Ljava/lang/String;Ljava/lang/String;Z)V");
  return BuildArray(env, cls, ds_sync_report_conflict_count(r), 4, [&](size_t i) {
    return env->NewObject(cls.cls(), cls.ctor(),
                          NewJavaString(env, ds_sync_report_conflict_record(r, i)),
                          NewJavaString(env, ds_sync_report_conflict_path(r, i)),
                          static_cast<jboolean>(ds_sync_report_conflict_local_won(r, i) != 0));
  });
}

jobjectArray ReportQuarantined(JNIEnv* env, const ds_sync_report* r) {
  JavaClass cls(env, "org/doorstep/SyncReport$Quarantined",
                "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V");
  return BuildArray(env, cls, ds_sync_report_quarantined_count(r), 4, [&](size_t i) {
    return env->NewObject(cls.cls(), cls.ctor(),
                          NewJavaString(env, ds_sync_report_quarantined_record(r, i)),
                          NewJavaString(env, ds_sync_report_quarantined_path(r, i)),
                          NewJavaString(env, ds_sync_report_quarantined_reason(r, i)));
  });
}

// org.doorstep.SyncReport (an empty one for a NULL report).
jobject MakeReport(JNIEnv* env, const ds_sync_report* r) {
  JavaClass cls(env, "org/doorstep/SyncReport",
                "([JZ[Lorg/doorstep/SyncReport$Conflict;[Lorg/doorstep/SyncReport$Quarantined;)V");
  jlong counts[7] = {};
  if (r != nullptr) {
    counts[0] = static_cast<jlong>(ds_sync_report_changes_pushed(r));
    counts[1] = static_cast<jlong>(ds_sync_report_changes_pulled(r));
    counts[2] = static_cast<jlong>(ds_sync_report_records_created(r));
    counts[3] = static_cast<jlong>(ds_sync_report_still_pending(r));
    counts[4] = static_cast<jlong>(ds_sync_report_bytes_sent(r));
    counts[5] = static_cast<jlong>(ds_sync_report_bytes_received(r));
    counts[6] = static_cast<jlong>(ds_sync_report_records_purged(r));
  }
  jlongArray count_array = cls.ok() ? env->NewLongArray(7) : nullptr;
  if (count_array == nullptr) return nullptr;
  env->SetLongArrayRegion(count_array, 0, 7, counts);
  jobjectArray conflicts = ReportConflicts(env, r);
  jobjectArray quarantined = conflicts != nullptr ? ReportQuarantined(env, r) : nullptr;
  jobject out = nullptr;
  if (quarantined != nullptr) {
    bool match = r != nullptr && ds_sync_report_checksums_match(r) != 0;
    out = env->NewObject(cls.cls(), cls.ctor(), count_array, static_cast<jboolean>(match),
                         conflicts, quarantined);
  }
  env->DeleteLocalRef(quarantined);
  env->DeleteLocalRef(conflicts);
  env->DeleteLocalRef(count_array);
  return out;
}

void ThrowSyncException(JNIEnv* env, ds_status status, const std::string& message,
                        const std::string& where, jobject report) {
  JavaClass cls(env, "org/doorstep/SyncException",
                "(ILjava/lang/String;Ljava/lang/String;Lorg/doorstep/SyncReport;)V");
  jstring m = cls.ok() ? NewJavaString(env, message.c_str()) : nullptr;
  jstring w = m != nullptr ? NewJavaString(env, where.c_str()) : nullptr;
  if (w != nullptr) {
    auto e = static_cast<jthrowable>(env->NewObject(cls.cls(), cls.ctor(), status, m, w, report));
    if (e != nullptr) env->Throw(e);
    env->DeleteLocalRef(e);
  }
  env->DeleteLocalRef(w);
  env->DeleteLocalRef(m);
}

jobject MakeConflict(JNIEnv* env, const JavaClass& conflict, const JavaClass& candidate,
                     const ds_conflict_list* list, size_t i) {
  size_t n = ds_conflict_list_candidate_count(list, i);
  jobjectArray candidates = BuildArray(env, candidate, n, 4, [&](size_t j) {
    return env->NewObject(candidate.cls(), candidate.ctor(),
                          NewJavaString(env, ds_conflict_list_candidate_value(list, i, j)),
                          NewJavaString(env, ds_conflict_list_candidate_surveyor(list, i, j)),
                          NewJavaString(env, ds_conflict_list_candidate_device(list, i, j)));
  });
  if (candidates == nullptr) return nullptr;
  return env->NewObject(conflict.cls(), conflict.ctor(),
                        static_cast<jlong>(ds_conflict_list_id(list, i)),
                        NewJavaString(env, ds_conflict_list_record(list, i)),
                        NewJavaString(env, ds_conflict_list_path(list, i)),
                        static_cast<jboolean>(ds_conflict_list_resolved(list, i) != 0), candidates,
                        static_cast<jint>(ds_conflict_list_winner(list, i)));
}

}  // namespace

DS_JNI(jlong, curlTransportCreate)(JNIEnv* env, jclass) {
  ds_transport* transport = nullptr;
  if (Fail(env, ds_curl_transport_create(&transport))) return 0;
  return ToHandle(transport);
}

DS_JNI(void, curlTransportDestroy)(JNIEnv*, jclass, jlong transport) {
  ds_curl_transport_destroy(FromHandle<ds_transport>(transport));
}

DS_JNI(jlong, cancelCreate)(JNIEnv* env, jclass) {
  ds_cancel* cancel = ds_cancel_create();
  if (cancel == nullptr)
    doorstep_jni::ThrowDoorstep(env, DS_RESOURCE_EXHAUSTED, "out of memory", "");
  return ToHandle(cancel);
}

DS_JNI(void, cancelDestroy)(JNIEnv*, jclass, jlong cancel) {
  ds_cancel_destroy(FromHandle<ds_cancel>(cancel));
}

DS_JNI(void, cancelRequest)(JNIEnv*, jclass, jlong cancel) {
  ds_cancel_request(FromHandle<ds_cancel>(cancel));
}

DS_JNI(void, syncEnroll)
(JNIEnv* env, jclass, jlong store, jlong curl, jobject transport, jstring server_url, jstring token,
 jstring device_name) {
  CallbackScope scope(env);
  JavaTransport java{&scope, transport};
  ds_transport callback{&java, &Send};
  ds_status status = ds_sync_enroll(FromHandle<ds_store>(store), Pick(curl, transport, &callback),
                                    Utf8(env, server_url).get(), Utf8(env, token).get(),
                                    Utf8(env, device_name).get());
  scope.Finish(status);
}

DS_JNI(jobject, sync)
(JNIEnv* env, jclass, jlong store, jlong curl, jobject transport, jobject listener, jlong cancel) {
  CallbackScope scope(env);
  JavaTransport java{&scope, transport};
  ds_transport callback{&java, &Send};
  // A listener that throws stops the sync through a cancel token: the caller's, or one of our own
  // when the caller passed none.
  ds_cancel* own_cancel = cancel == 0 && listener != nullptr ? ds_cancel_create() : nullptr;
  ds_cancel* use_cancel = own_cancel != nullptr ? own_cancel : FromHandle<ds_cancel>(cancel);
  JavaProgress progress{&scope, listener, use_cancel};
  ds_sync_report* report = nullptr;
  ds_status status = ds_sync(FromHandle<ds_store>(store), Pick(curl, transport, &callback),
                             listener != nullptr ? &OnProgress : nullptr, &progress, use_cancel,
                             &report);
  ds_cancel_destroy(own_cancel);
  std::string message = status == DS_OK ? "" : ds_last_error_message();
  std::string where = status == DS_OK ? "" : ds_last_error_where();
  if (message.empty()) message = ds_status_name(status);
  if (scope.HasPending()) {  // a callback threw: rethrow that
    ds_sync_report_free(report);
    scope.Finish(status);
    return nullptr;
  }
  jobject java_report = MakeReport(env, report);
  ds_sync_report_free(report);
  if (java_report == nullptr || status == DS_OK) return java_report;
  ThrowSyncException(env, status, message, where, java_report);
  env->DeleteLocalRef(java_report);
  return nullptr;
}

DS_JNI(jobjectArray, syncConflicts)
(JNIEnv* env, jclass, jlong store, jlong curl, jobject transport, jboolean all) {
  CallbackScope scope(env);
  JavaTransport java{&scope, transport};
  ds_transport callback{&java, &Send};
  ds_conflict_list* list = nullptr;
  ds_status status = ds_sync_conflicts(FromHandle<ds_store>(store),
                                       Pick(curl, transport, &callback), all ? 1 : 0, &list);
  if (scope.Finish(status)) return nullptr;
  JavaClass conflict(
      env, "org/doorstep/Conflict",
      "(JLjava/lang/String;Ljava/lang/String;Z[Lorg/doorstep/Conflict$Candidate;I)V");
  JavaClass candidate(env, "org/doorstep/Conflict$Candidate",
                      "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V");
  jobjectArray out = nullptr;
  if (candidate.ok()) {
    out = BuildArray(env, conflict, ds_conflict_list_count(list), 12,
                     [&](size_t i) { return MakeConflict(env, conflict, candidate, list, i); });
  }
  ds_conflict_list_free(list);
  return out;
}
