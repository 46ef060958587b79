package org.doorstep;

/**
 * Cancels a running {@link Sync#sync}: {@link #cancel()} may be called from any thread (a
 * "Cancel" button on the UI thread while the sync runs on the database thread); the sync then
 * stops soon with {@link DoorstepException.Code#CANCELLED}. One token per sync.
 *
 * <p>{@link #close()} while a sync still uses the token is safe: the native token is freed when
 * that sync returns.
 */
public final class CancelToken implements AutoCloseable {
  private long handle;
  private int users;
  private boolean closed;

  public CancelToken() {
    handle = Native.cancelCreate();
  }

  /** Asks the sync using this token to stop soon. Any thread; after close it does nothing. */
  public synchronized void cancel() {
    if (handle != 0) Native.cancelRequest(handle);
  }

  synchronized long acquire() {
    if (closed) throw new IllegalStateException("CancelToken is closed");
    users++;
    return handle;
  }

  synchronized void release() {
    if (--users == 0 && closed) free();
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (users == 0) free();
  }

  private void free() {
    long h = handle;
    handle = 0;
    Native.cancelDestroy(h);
  }
}
