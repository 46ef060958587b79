// JNI over the C ABI: the form session (questions, edits and their change lists, navigation,
// instances, signatures, photos, validation, finalize). org.doorstep.Native; rules in jni_util.h.
#include <string>
#include <vector>

#include "jni_util.h"

#define DS_JNI(ret, name) extern "C" JNIEXPORT ret JNICALL Java_org_doorstep_Native_##name

using doorstep_jni::BuildArray;
using doorstep_jni::Fail;
using doorstep_jni::FromHandle;
using doorstep_jni::JavaClass;
using doorstep_jni::NewJavaString;
using doorstep_jni::ToHandle;
using doorstep_jni::Utf8;

namespace {

ds_session* S(jlong handle) {
  return FromHandle<ds_session>(handle);
}

constexpr char kQuestionCtor[] =
    "(ILjava/lang/String;Ljava/lang/String;IILjava/lang/String;Ljava/lang/String;I"
    "Ljava/lang/String;Ljava/lang/String;[BJ[Lorg/doorstep/Choice;Ljava/lang/String;"
    "Ljava/lang/String;ILjava/lang/String;Ljava/lang/String;)V";

// Builds org.doorstep.Question objects from a ds_question_list (classes looked up once per call).
class QuestionBuilder {
 public:
  explicit QuestionBuilder(JNIEnv* env)
      : env_(env),
        question_(env, "org/doorstep/Question", kQuestionCtor),
        choice_(env, "org/doorstep/Choice", "(Ljava/lang/String;Ljava/lang/String;)V") {}

  const JavaClass& question_class() const { return question_; }

  // Question i as a local ref (call inside a local frame: it makes ~16 local refs).
  jobject Make(const ds_question_list* list, size_t i) {
    size_t len = 0;
    const uint8_t* bytes = ds_question_value_bytes(list, i, &len);
    jbyteArray value =
        bytes != nullptr && len > 0 ? doorstep_jni::NewByteArray(env_, bytes, len) : nullptr;
    jobjectArray choices = Choices(list, i);
    if (choices == nullptr) return nullptr;
    return env_->NewObject(
        question_.cls(), question_.ctor(), static_cast<jint>(ds_question_kind(list, i)),
        Str(ds_question_path(list, i)), Str(ds_question_name(list, i)),
        static_cast<jint>(ds_question_type(list, i)), static_cast<jint>(ds_question_depth(list, i)),
        Str(ds_question_label(list, i)), Str(ds_question_hint(list, i)),
        static_cast<jint>(ds_question_flags(list, i)), Str(ds_question_display(list, i)),
        Str(ds_question_value_text(list, i)), value,
        static_cast<jlong>(ds_question_instance_count(list, i)), choices,
        Str(ds_question_error_code(list, i)), Str(ds_question_error_message(list, i)),
        static_cast<jint>(ds_question_signature_state(list, i)),
        Str(ds_question_signer_name(list, i)), Str(ds_question_proxy_signer_name(list, i)));
  }

 private:
  jobjectArray Choices(const ds_question_list* list, size_t i) {
    return BuildArray(env_, choice_, ds_question_choice_count(list, i), 4, [&](size_t j) {
      return env_->NewObject(choice_.cls(), choice_.ctor(),
                             Str(ds_question_choice_value(list, i, j)),
                             Str(ds_question_choice_label(list, i, j)));
    });
  }
  jstring Str(const char* s) { return NewJavaString(env_, s == nullptr ? "" : s); }

  JNIEnv* env_;
  JavaClass question_;
  JavaClass choice_;
};

// org.doorstep.Changes from a change list (NULL = no changes), which it frees.
jobject MakeChanges(JNIEnv* env, ds_change_list* list) {
  JavaClass change(env, "org/doorstep/Change", "(Ljava/lang/String;I)V");
  JavaClass changes(env, "org/doorstep/Changes", "([Lorg/doorstep/Change;Ljava/lang/String;)V");
  size_t n = list == nullptr ? 0 : ds_change_list_count(list);
  jobjectArray items = BuildArray(env, change, n, 4, [&](size_t i) {
    return env->NewObject(change.cls(), change.ctor(), NewJavaString(env, ds_change_path(list, i)),
                          static_cast<jint>(ds_change_kind(list, i)));
  });
  jobject out = nullptr;
  if (items != nullptr && changes.ok()) {
    jstring instance =
        NewJavaString(env, list == nullptr ? "" : ds_change_list_instance_path(list));
    if (instance != nullptr) out = env->NewObject(changes.cls(), changes.ctor(), items, instance);
    env->DeleteLocalRef(instance);
  }
  env->DeleteLocalRef(items);
  ds_change_list_free(list);
  return out;
}

// An edit's outcome: the Changes, or nullptr with DoorstepException pending.
jobject EditResult(JNIEnv* env, ds_status status, ds_change_list* changes) {
  if (Fail(env, status)) {
    ds_change_list_free(changes);
    return nullptr;
  }
  return MakeChanges(env, changes);
}

jobjectArray MakeErrors(JNIEnv* env, const ds_error_list* list) {
  JavaClass error(env, "org/doorstep/ValidationError",
                  "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V");
  size_t n = list == nullptr ? 0 : ds_error_list_count(list);
  return BuildArray(env, error, n, 4, [&](size_t i) {
    return env->NewObject(error.cls(), error.ctor(),
                          NewJavaString(env, ds_error_list_path(list, i)),
                          NewJavaString(env, ds_error_list_code(list, i)),
                          NewJavaString(env, ds_error_list_message(list, i)));
  });
}

// A string returned through char** (ds_free), as a Java string.
jstring TakeString(JNIEnv* env, ds_status status, char* text) {
  if (Fail(env, status)) return nullptr;
  jstring out = NewJavaString(env, text == nullptr ? "" : text);
  ds_free(text);
  return out;
}

}  // namespace

DS_JNI(jlong, sessionOpen)(JNIEnv* env, jclass, jlong store, jstring record_id, jstring language) {
  ds_session* session = nullptr;
  if (Fail(env, ds_session_open(FromHandle<ds_store>(store), Utf8(env, record_id).get(),
                                Utf8(env, language).get(), &session))) {
    return 0;
  }
  return ToHandle(session);
}

DS_JNI(void, sessionClose)(JNIEnv*, jclass, jlong session) {
  ds_session_close(S(session));
}

DS_JNI(void, sessionSetLanguage)(JNIEnv* env, jclass, jlong session, jstring language) {
  Fail(env, ds_session_set_language(S(session), Utf8(env, language).get()));
}

DS_JNI(jint, sessionState)(JNIEnv*, jclass, jlong session) {
  return ds_session_state(S(session));
}

DS_JNI(jobjectArray, sessionQuestions)(JNIEnv* env, jclass, jlong session) {
  ds_question_list* list = nullptr;
  if (Fail(env, ds_session_questions(S(session), &list))) return nullptr;
  QuestionBuilder builder(env);
  jobjectArray out = BuildArray(env, builder.question_class(), ds_question_list_count(list), 24,
                                [&](size_t i) { return builder.Make(list, i); });
  ds_question_list_free(list);
  return out;
}

DS_JNI(jobject, sessionQuestion)(JNIEnv* env, jclass, jlong session, jstring path) {
  ds_question_list* list = nullptr;
  if (Fail(env, ds_session_questions(S(session), &list))) return nullptr;
  int64_t i = ds_question_list_find(list, Utf8(env, path).get());
  jobject out = nullptr;
  if (i >= 0) {
    QuestionBuilder builder(env);
    if (builder.question_class().ok() && env->PushLocalFrame(24) == 0) {
      out = env->PopLocalFrame(builder.Make(list, static_cast<size_t>(i)));
    }
  }
  ds_question_list_free(list);
  return out;
}

DS_JNI(jobject, sessionSetText)(JNIEnv* env, jclass, jlong session, jstring path, jstring text) {
  ds_change_list* changes = nullptr;
  ds_status status =
      ds_session_set_text(S(session), Utf8(env, path).get(), Utf8(env, text).get(), &changes);
  return EditResult(env, status, changes);
}

DS_JNI(jobject, sessionSetValue)
(JNIEnv* env, jclass, jlong session, jstring path, jbyteArray value) {
  doorstep_jni::Bytes bytes(env, value);
  ds_change_list* changes = nullptr;
  ds_status status =
      ds_session_set_value(S(session), Utf8(env, path).get(),
                           bytes.is_null() ? nullptr : bytes.data(), bytes.size(), &changes);
  return EditResult(env, status, changes);
}

DS_JNI(jobject, sessionClear)(JNIEnv* env, jclass, jlong session, jstring path) {
  ds_change_list* changes = nullptr;
  ds_status status = ds_session_clear(S(session), Utf8(env, path).get(), &changes);
  return EditResult(env, status, changes);
}

DS_JNI(jobject, sessionAddInstance)(JNIEnv* env, jclass, jlong session, jstring repeat_path) {
  ds_change_list* changes = nullptr;
  ds_status status = ds_session_add_instance(S(session), Utf8(env, repeat_path).get(), &changes);
  return EditResult(env, status, changes);
}

DS_JNI(jobject, sessionRemoveInstance)(JNIEnv* env, jclass, jlong session, jstring path) {
  ds_change_list* changes = nullptr;
  ds_status status = ds_session_remove_instance(S(session), Utf8(env, path).get(), &changes);
  return EditResult(env, status, changes);
}

DS_JNI(jobject, sessionRefresh)(JNIEnv* env, jclass, jlong session) {
  ds_change_list* changes = nullptr;
  ds_status status = ds_session_refresh(S(session), &changes);
  return EditResult(env, status, changes);
}

DS_JNI(jobject, sessionReopen)(JNIEnv* env, jclass, jlong session) {
  ds_change_list* changes = nullptr;
  ds_status status = ds_session_reopen(S(session), &changes);
  return EditResult(env, status, changes);
}

DS_JNI(jstring, sessionNext)(JNIEnv* env, jclass, jlong session, jstring path) {
  char* out = nullptr;
  ds_status status = ds_session_next(S(session), Utf8(env, path).get(), &out);
  return TakeString(env, status, out);
}

DS_JNI(jstring, sessionPrevious)(JNIEnv* env, jclass, jlong session, jstring path) {
  char* out = nullptr;
  ds_status status = ds_session_previous(S(session), Utf8(env, path).get(), &out);
  return TakeString(env, status, out);
}

DS_JNI(jstring, sessionFirstError)(JNIEnv* env, jclass, jlong session) {
  char* out = nullptr;
  ds_status status = ds_session_first_error(S(session), &out);
  return TakeString(env, status, out);
}

DS_JNI(jobjectArray, sessionInstances)(JNIEnv* env, jclass, jlong session, jstring repeat_path) {
  ds_instance_list* list = nullptr;
  if (Fail(env, ds_session_instances(S(session), Utf8(env, repeat_path).get(), &list))) {
    return nullptr;
  }
  JavaClass instance(env, "org/doorstep/Instance", "(Ljava/lang/String;Ljava/lang/String;)V");
  jobjectArray out = BuildArray(env, instance, ds_instance_list_count(list), 4, [&](size_t i) {
    return env->NewObject(instance.cls(), instance.ctor(),
                          NewJavaString(env, ds_instance_list_path(list, i)),
                          NewJavaString(env, ds_instance_list_label(list, i)));
  });
  ds_instance_list_free(list);
  return out;
}

DS_JNI(jobject, sessionSign)
(JNIEnv* env, jclass, jlong session, jstring path, jstring signer, jstring proxy, jint width,
 jint height, jintArray flat_points) {
  jsize n = flat_points == nullptr ? 0 : env->GetArrayLength(flat_points);
  std::vector<jint> flat(static_cast<size_t>(n));
  if (n > 0) env->GetIntArrayRegion(flat_points, 0, n, flat.data());
  std::vector<ds_point> points(flat.size() / 5);
  for (size_t i = 0; i < points.size(); ++i) {
    const jint* p = &flat[i * 5];
    points[i] =
        ds_point{p[0], p[1], static_cast<uint32_t>(p[2]), p[3], static_cast<uint32_t>(p[4])};
  }
  ds_change_list* changes = nullptr;
  ds_status status =
      ds_session_sign(S(session), Utf8(env, path).get(), Utf8(env, signer).get(),
                      Utf8(env, proxy).get(), static_cast<uint32_t>(width),
                      static_cast<uint32_t>(height), points.data(), points.size(), &changes);
  return EditResult(env, status, changes);
}

DS_JNI(jstring, sessionSignatureSvg)(JNIEnv* env, jclass, jlong session, jstring path) {
  char* svg = nullptr;
  ds_status status = ds_session_signature_svg(S(session), Utf8(env, path).get(), &svg);
  return TakeString(env, status, svg);
}

DS_JNI(jobject, sessionAttach)
(JNIEnv* env, jclass, jlong session, jstring path, jbyteArray bytes, jstring media_type,
 jstring file_name) {
  doorstep_jni::Bytes data(env, bytes);
  ds_change_list* changes = nullptr;
  ds_status status = ds_session_attach(
      S(session), Utf8(env, path).get(), data.is_null() ? nullptr : data.data(), data.size(),
      Utf8(env, media_type).get(), Utf8(env, file_name).get(), &changes);
  return EditResult(env, status, changes);
}

DS_JNI(jobjectArray, sessionValidate)(JNIEnv* env, jclass, jlong session) {
  ds_error_list* list = nullptr;
  if (Fail(env, ds_session_validate(S(session), &list))) return nullptr;
  jobjectArray out = MakeErrors(env, list);
  ds_error_list_free(list);
  return out;
}

DS_JNI(jobject, sessionFinalize)(JNIEnv* env, jclass, jlong session) {
  ds_error_list* errors = nullptr;
  ds_change_list* changes = nullptr;
  ds_status status = ds_session_finalize(S(session), &errors, &changes);
  if (status != DS_VALIDATION && Fail(env, status)) {
    ds_error_list_free(errors);
    ds_change_list_free(changes);
    return nullptr;
  }
  jobjectArray error_array = MakeErrors(env, errors);
  ds_error_list_free(errors);
  jobject change_object = nullptr;
  if (error_array != nullptr) {
    change_object = MakeChanges(env, changes);  // frees `changes`
  } else {
    ds_change_list_free(changes);
  }
  JavaClass result(env, "org/doorstep/FinalizeResult",
                   "([Lorg/doorstep/ValidationError;Lorg/doorstep/Changes;)V");
  jobject out = nullptr;
  if (change_object != nullptr && result.ok()) {
    out = env->NewObject(result.cls(), result.ctor(), error_array, change_object);
  }
  env->DeleteLocalRef(change_object);
  env->DeleteLocalRef(error_array);
  return out;
}
