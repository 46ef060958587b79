package org.doorstep;

/**
 * The JNI entry points (platform/android/jni/), one per C ABI call or group of calls. Handles are
 * the C pointers as longs; the public classes check them (a closed handle never gets here).
 * Every method throws {@link DoorstepException} for a failing status.
 */
final class Native {
  static {
    Doorstep.load();
    int abi = abiVersion();
    if (abi != Doorstep.ABI_VERSION) {
      throw new UnsatisfiedLinkError("libdoorstep has ABI version " + abi + ", this binding "
          + Doorstep.ABI_VERSION);
    }
  }

  private Native() {}

  // library
  static native String version();
  static native int abiVersion();
  static native boolean encryptionAvailable();
  static native byte[] randomBytes(int n);
  static native long keyFileCreate(String path);
  static native void keyFileDestroy(long keyFile);

  // store, forms, records, audit
  static native long storeOpen(String path, KeyStore keyStore, long keyFile, int durability,
      boolean allowPlain) throws Exception;
  static native void storeClose(long store);
  static native void storeSetAuthor(long store, String surveyorId, String deviceId);
  static native long storePendingCount(long store);
  static native void storeInstallForm(long store, byte[] formDef);
  static native FormInfo[] storeForms(long store);
  static native String storeCreateRecord(long store, String formId, String version);
  static native void storeDeleteRecord(long store, String recordId);
  static native RecordInfo[] storeFindRecords(long store, String formId, String query, long limit);
  static native AuditEntry[] storeAuditTrail(long store, String recordId);

  // the form session
  static native long sessionOpen(long store, String recordId, String language);
  static native void sessionClose(long session);
  static native void sessionSetLanguage(long session, String language);
  static native int sessionState(long session);
  static native Question[] sessionQuestions(long session);
  static native Question sessionQuestion(long session, String path);
  static native Changes sessionSetText(long session, String path, String text);
  static native Changes sessionSetValue(long session, String path, byte[] value);
  static native Changes sessionClear(long session, String path);
  static native Changes sessionAddInstance(long session, String repeatPath);
  static native Changes sessionRemoveInstance(long session, String instancePath);
  static native Changes sessionRefresh(long session);
  static native String sessionNext(long session, String path);
  static native String sessionPrevious(long session, String path);
  static native String sessionFirstError(long session);
  static native Instance[] sessionInstances(long session, String repeatPath);
  static native Changes sessionSign(long session, String path, String signerName,
      String proxySignerName, int canvasWidth, int canvasHeight, int[] points);
  static native String sessionSignatureSvg(long session, String path);
  static native Changes sessionAttach(long session, String path, byte[] bytes, String mediaType,
      String fileName);
  static native ValidationError[] sessionValidate(long session);
  static native FinalizeResult sessionFinalize(long session);
  static native Changes sessionReopen(long session);

  // transports, sync
  static native long curlTransportCreate();
  static native void curlTransportDestroy(long transport);
  static native long cancelCreate();
  static native void cancelDestroy(long cancel);
  static native void cancelRequest(long cancel);
  static native void syncEnroll(long store, long curl, Transport transport, String serverUrl,
      String token, String deviceName);
  static native SyncReport sync(long store, long curl, Transport transport,
      SyncProgressListener listener, long cancel);
  static native Conflict[] syncConflicts(long store, long curl, Transport transport, boolean all);
}
