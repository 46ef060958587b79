package org.doorstep;

import java.util.List;

/**
 * Sync of a {@link Store} with the township server over a {@link Transport}: enroll once with a
 * one-time token, then {@link #sync} whenever the tablet has a network (forms, push, pull,
 * checksums, photos). Runs on the store's thread and blocks until done; {@link CancelToken}
 * stops it from any thread.
 */
public final class Sync {
  private final Store store;
  private final Transport transport;

  public Sync(Store store, Transport transport) {
    if (store == null || transport == null) throw new NullPointerException();
    this.store = store;
    this.transport = transport;
  }

  /** Enrolls the store with the server using a one-time token, and installs its forms. */
  public void enroll(String serverUrl, String token, String deviceName) {
    Native.syncEnroll(store.handle(), curl(), javaTransport(), serverUrl, token, deviceName);
  }

  /** A full sync; see {@link #sync(SyncProgressListener, CancelToken)}. */
  public SyncReport sync() {
    return sync(null, null);
  }

  /**
   * A full sync. {@code listener} and {@code cancel} may be null. Returns the report when
   * everything ran; otherwise throws {@link SyncException} with the first error and the report
   * of what was done. An exception thrown by the listener or the transport stops the sync and is
   * rethrown here.
   */
  public SyncReport sync(SyncProgressListener listener, CancelToken cancel) {
    long storeHandle = store.handle();
    CancelToken token = cancel != null ? cancel : new CancelToken();
    long c = token.acquire();
    try {
      return Native.sync(storeHandle, curl(), javaTransport(), listener, c);
    } finally {
      token.release();
      if (cancel == null) token.close();
    }
  }

  /** The server's conflicts of this device's villages (all = resolved ones too). */
  public List<Conflict> conflicts(boolean all) {
    return Store.list(Native.syncConflicts(store.handle(), curl(), javaTransport(), all));
  }

  private long curl() {
    return transport instanceof CurlTransport ? ((CurlTransport) transport).handle() : 0;
  }

  private Transport javaTransport() {
    return transport instanceof CurlTransport ? null : transport;
  }
}
