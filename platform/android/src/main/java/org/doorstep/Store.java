package org.doorstep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A tablet's local store of survey records: one (encrypted) SQLite file holding forms, records,
 * the change log for sync and the audit trail.
 *
 * <p>Threads: a store and everything opened from it ({@link FormSession}s, {@link Sync}) are used
 * by one thread at a time; an app keeps one "database thread" (as with SQLite connections).
 * Different stores may be used from different threads at once.
 *
 * <p>Closing a store first closes the sessions still open on it; every handle throws {@link
 * IllegalStateException} once closed.
 */
public final class Store extends NativeHandle {
  private final List<FormSession> sessions = new ArrayList<FormSession>();
  private final KeyFile ownedKeyFile;

  private Store(long handle, KeyFile ownedKeyFile) {
    super("Store", handle);
    this.ownedKeyFile = ownedKeyFile;
  }

  /** Opens or creates the store at {@code path} with its key from {@code keyStore}. */
  public static Store open(String path, KeyStore keyStore) {
    return open(path, keyStore, StoreOptions.DEFAULT);
  }

  /**
   * Opens or creates the store. {@code keyStore} may be null only with {@link
   * StoreOptions#withAllowPlain}. Errors: WRONG_KEY, FAILED_PRECONDITION (no key store and plain
   * stores not allowed), SCHEMA_TOO_NEW, IO.
   */
  public static Store open(String path, KeyStore keyStore, StoreOptions options) {
    long keyFile = keyStore instanceof KeyFile ? ((KeyFile) keyStore).handle() : 0;
    KeyStore callback = keyStore instanceof KeyFile ? null : keyStore;
    try {
      long h = Native.storeOpen(path, callback, keyFile, options.durability().ordinal(),
          options.allowPlain());
      return new Store(h, null);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new DoorstepException(DoorstepException.Code.FAILED_PRECONDITION,
          "key store: " + e, e);
    }
  }

  /**
   * Opens a store whose key lives in a key file (PCs, tests): the store owns the {@link KeyFile}
   * and closes it after itself.
   */
  public static Store openWithKeyFile(String path, String keyFilePath, StoreOptions options) {
    KeyFile keyFile = new KeyFile(keyFilePath);
    try {
      long h = Native.storeOpen(path, null, keyFile.handle(), options.durability().ordinal(),
          options.allowPlain());
      return new Store(h, keyFile);
    } catch (RuntimeException e) {
      keyFile.close();
      throw e;
    } catch (Exception e) {
      keyFile.close();
      throw new DoorstepException(DoorstepException.Code.INTERNAL, e.toString(), e);
    }
  }

  /** The identity written into every change: the surveyor's id and this device's id. */
  public void setAuthor(String surveyorId, String deviceId) {
    Native.storeSetAuthor(handle(), surveyorId, deviceId);
  }

  /** Changes not yet pushed to the server. */
  public long pendingCount() {
    return Native.storePendingCount(handle());
  }

  /**
   * Installs a form given as serialized doorstep.v1.FormDef bytes (from the server, or made by
   * {@code doorstep form compile}). The same bytes again are a no-op; other content under an
   * installed (form, version) is ALREADY_EXISTS.
   */
  public void installForm(byte[] formDef) {
    Native.storeInstallForm(handle(), formDef);
  }

  public List<FormInfo> forms() {
    return list(Native.storeForms(handle()));
  }

  /** Creates a draft of the latest installed version of {@code formId}; returns its id. */
  public String createRecord(String formId) {
    return createRecord(formId, null);
  }

  /** Creates a draft of {@code formId} at {@code version} (null = the latest installed). */
  public String createRecord(String formId, String version) {
    return Native.storeCreateRecord(handle(), formId, version);
  }

  /** Marks a record deleted (a tombstone that syncs). */
  public void deleteRecord(String recordId) {
    Native.storeDeleteRecord(handle(), recordId);
  }

  /**
   * Records of {@code formId} (null = every form) whose text values contain {@code query} (null =
   * all; case-sensitive substring over text and choice values), most recently updated first, at
   * most {@code limit} (0 = no limit).
   */
  public List<RecordInfo> findRecords(String formId, String query, int limit) {
    if (limit < 0) throw new IllegalArgumentException("limit < 0");
    return list(Native.storeFindRecords(handle(), formId, query, limit));
  }

  /** Who changed what, when, in the record (oldest first). */
  public List<AuditEntry> auditTrail(String recordId) {
    return list(Native.storeAuditTrail(handle(), recordId));
  }

  /** Opens a form session over a record; language "zh" or "en" (null = "zh"). */
  public FormSession openSession(String recordId, String language) {
    FormSession s = new FormSession(this, Native.sessionOpen(handle(), recordId, language));
    sessions.add(s);
    return s;
  }

  void forget(FormSession session) {
    sessions.remove(session);
  }

  @Override
  void release(long handle) {
    for (FormSession s : new ArrayList<FormSession>(sessions)) s.close();
    Native.storeClose(handle);
    if (ownedKeyFile != null) ownedKeyFile.close();
  }

  static <T> List<T> list(T[] items) {
    return items.length == 0 ? Collections.<T>emptyList()
                             : Collections.unmodifiableList(Arrays.asList(items));
  }
}
