// JNI over the C ABI: the library, key stores, the store, forms, records, the audit trail
// (org.doorstep.Native; rules in jni_util.h).
#include <vector>

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

extern "C" JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM*, void*) {
  return JNI_VERSION_1_6;
}

// ---- library ----------------------------------------------------------------------------------

DS_JNI(jstring, version)(JNIEnv* env, jclass) {
  return NewJavaString(env, ds_version());
}

DS_JNI(jint, abiVersion)(JNIEnv*, jclass) {
  return ds_abi_version();
}

DS_JNI(jboolean, encryptionAvailable)(JNIEnv*, jclass) {
  return static_cast<jboolean>(ds_encryption_available() != 0);
}

DS_JNI(jbyteArray, randomBytes)(JNIEnv* env, jclass, jint n) {
  if (n < 0) {
    doorstep_jni::ThrowDoorstep(env, DS_INVALID_ARGUMENT, "randomBytes: n < 0", "");
    return nullptr;
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(n));
  if (Fail(env, ds_random_bytes(bytes.data(), bytes.size()))) return nullptr;
  return doorstep_jni::NewByteArray(env, bytes.data(), bytes.size());
}

DS_JNI(jlong, keyFileCreate)(JNIEnv* env, jclass, jstring path) {
  ds_key_store* key_store = nullptr;
  if (Fail(env, ds_key_file_store_create(Utf8(env, path).get(), &key_store))) return 0;
  return ToHandle(key_store);
}

DS_JNI(void, keyFileDestroy)(JNIEnv*, jclass, jlong key_store) {
  ds_key_file_store_destroy(FromHandle<ds_key_store>(key_store));
}

// ---- store ------------------------------------------------------------------------------------

namespace {

// The Java KeyStore behind a ds_key_store during one ds_store_open.
struct JavaKeyStore {
  CallbackScope* scope;
  jobject key_store;  // the native method's argument (a local ref valid for the whole call)
};

ds_status CallKeyStore(JNIEnv* env, const JavaKeyStore& k, const char* key_id, uint8_t* key_out,
                       size_t capacity, size_t* key_len) {
  jclass c = env->GetObjectClass(k.key_store);
  jmethodID m = env->GetMethodID(c, "getOrCreateKey", "(Ljava/lang/String;)[B");
  if (m == nullptr) return DS_INTERNAL;
  jstring id = NewJavaString(env, key_id);
  if (id == nullptr) return DS_INTERNAL;
  auto key = static_cast<jbyteArray>(env->CallObjectMethod(k.key_store, m, id));
  if (env->ExceptionCheck()) return DS_FAILED_PRECONDITION;
  if (key == nullptr) return DS_FAILED_PRECONDITION;
  jsize n = env->GetArrayLength(key);
  if (static_cast<size_t>(n) > capacity || n == 0) return DS_INVALID_ARGUMENT;
  env->GetByteArrayRegion(key, 0, n, reinterpret_cast<jbyte*>(key_out));
  *key_len = static_cast<size_t>(n);
  std::vector<jbyte> zeros(static_cast<size_t>(n), 0);  // the key does not stay in the Java heap
  env->SetByteArrayRegion(key, 0, n, zeros.data());
  return DS_OK;
}

ds_status GetOrCreateKey(void* context, const char* key_id, uint8_t* key_out, size_t capacity,
                         size_t* key_len) {
  auto* k = static_cast<JavaKeyStore*>(context);
  return k->scope->Run(
      8, [&] { return CallKeyStore(k->scope->env(), *k, key_id, key_out, capacity, key_len); },
      nullptr, DS_OK, DS_FAILED_PRECONDITION);
}

}  // namespace

DS_JNI(jlong, storeOpen)
(JNIEnv* env, jclass, jstring path, jobject key_store, jlong key_file, jint durability,
 jboolean allow_plain) {
  ds_store_options* options = ds_store_options_create();
  if (options == nullptr) {
    doorstep_jni::ThrowDoorstep(env, DS_RESOURCE_EXHAUSTED, "out of memory", "");
    return 0;
  }
  Utf8 file(env, path);
  ds_store_options_set_path(options, file.get());
  CallbackScope scope(env);
  JavaKeyStore java_key_store{&scope, key_store};
  ds_key_store callback{&java_key_store, &GetOrCreateKey};
  if (key_file != 0) {
    ds_store_options_set_key_store(options, FromHandle<ds_key_store>(key_file));
  } else if (key_store != nullptr) {
    ds_store_options_set_key_store(options, &callback);
  }
  ds_store_options_set_durability(options, durability);
  ds_store_options_set_allow_plain(options, allow_plain ? 1 : 0);
  ds_store* store = nullptr;
  ds_status status = ds_store_open(options, &store);
  ds_store_options_destroy(options);
  if (scope.Finish(status)) {
    ds_store_close(store);
    return 0;
  }
  return ToHandle(store);
}

DS_JNI(void, storeClose)(JNIEnv*, jclass, jlong store) {
  ds_store_close(FromHandle<ds_store>(store));
}

DS_JNI(void, storeSetAuthor)(JNIEnv* env, jclass, jlong store, jstring surveyor, jstring device) {
  Fail(env, ds_store_set_author(FromHandle<ds_store>(store), Utf8(env, surveyor).get(),
                                Utf8(env, device).get()));
}

DS_JNI(jlong, storePendingCount)(JNIEnv* env, jclass, jlong store) {
  int64_t count = 0;
  Fail(env, ds_store_pending_count(FromHandle<ds_store>(store), &count));
  return count;
}

DS_JNI(void, storeInstallForm)(JNIEnv* env, jclass, jlong store, jbyteArray form_def) {
  doorstep_jni::Bytes bytes(env, form_def);
  Fail(env, ds_store_install_form(FromHandle<ds_store>(store),
                                  bytes.is_null() ? nullptr : bytes.data(), bytes.size()));
}

DS_JNI(jobjectArray, storeForms)(JNIEnv* env, jclass, jlong store) {
  ds_form_list* list = nullptr;
  if (Fail(env, ds_store_forms(FromHandle<ds_store>(store), &list))) return nullptr;
  JavaClass form_info(
      env, "org/doorstep/FormInfo",
      "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;J)V");
  jobjectArray out = BuildArray(env, form_info, ds_form_list_count(list), 8, [&](size_t i) {
    return env->NewObject(form_info.cls(), form_info.ctor(),
                          NewJavaString(env, ds_form_list_id(list, i)),
                          NewJavaString(env, ds_form_list_version(list, i)),
                          NewJavaString(env, ds_form_list_title(list, i, "zh")),
                          NewJavaString(env, ds_form_list_title(list, i, "en")),
                          static_cast<jlong>(ds_form_list_record_count(list, i)));
  });
  ds_form_list_free(list);
  return out;
}

DS_JNI(jstring, storeCreateRecord)
(JNIEnv* env, jclass, jlong store, jstring form_id, jstring version) {
  char* id = nullptr;
  if (Fail(env, ds_store_create_record(FromHandle<ds_store>(store), Utf8(env, form_id).get(),
                                       Utf8(env, version).get(), &id))) {
    return nullptr;
  }
  jstring out = NewJavaString(env, id);
  ds_free(id);
  return out;
}

DS_JNI(void, storeDeleteRecord)(JNIEnv* env, jclass, jlong store, jstring record_id) {
  Fail(env, ds_store_delete_record(FromHandle<ds_store>(store), Utf8(env, record_id).get()));
}

DS_JNI(jobjectArray, storeFindRecords)
(JNIEnv* env, jclass, jlong store, jstring form_id, jstring query, jlong limit) {
  ds_record_list* list = nullptr;
  if (Fail(env, ds_store_find_records(FromHandle<ds_store>(store), Utf8(env, form_id).get(),
                                      Utf8(env, query).get(), static_cast<size_t>(limit), &list))) {
    return nullptr;
  }
  JavaClass record_info(env, "org/doorstep/RecordInfo",
                        "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;IJ)V");
  jobjectArray out = BuildArray(env, record_info, ds_record_list_count(list), 8, [&](size_t i) {
    return env->NewObject(record_info.cls(), record_info.ctor(),
                          NewJavaString(env, ds_record_list_id(list, i)),
                          NewJavaString(env, ds_record_list_form_id(list, i)),
                          NewJavaString(env, ds_record_list_form_version(list, i)),
                          static_cast<jint>(ds_record_list_state(list, i)),
                          static_cast<jlong>(ds_record_list_updated_ms(list, i)));
  });
  ds_record_list_free(list);
  return out;
}

DS_JNI(jobjectArray, storeAuditTrail)(JNIEnv* env, jclass, jlong store, jstring record_id) {
  ds_audit_list* list = nullptr;
  if (Fail(env,
           ds_store_audit_trail(FromHandle<ds_store>(store), Utf8(env, record_id).get(), &list))) {
    return nullptr;
  }
  JavaClass audit_entry(env, "org/doorstep/AuditEntry",
                        "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;"
                        "Ljava/lang/String;J)V");
  jobjectArray out = BuildArray(env, audit_entry, ds_audit_list_count(list), 8, [&](size_t i) {
    return env->NewObject(audit_entry.cls(), audit_entry.ctor(),
                          NewJavaString(env, ds_audit_list_path(list, i)),
                          NewJavaString(env, ds_audit_list_old_value(list, i)),
                          NewJavaString(env, ds_audit_list_new_value(list, i)),
                          NewJavaString(env, ds_audit_list_surveyor(list, i)),
                          NewJavaString(env, ds_audit_list_device(list, i)),
                          static_cast<jlong>(ds_audit_list_time_ms(list, i)));
  });
  ds_audit_list_free(list);
  return out;
}
