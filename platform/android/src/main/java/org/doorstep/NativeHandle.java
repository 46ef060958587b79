package org.doorstep;

/**
 * A native handle owned by one Java object: closed exactly once, and never used after that (a
 * closed handle throws {@link IllegalStateException} instead of reaching native code).
 */
abstract class NativeHandle implements AutoCloseable {
  private final String what;
  private long handle;

  NativeHandle(String what, long handle) {
    if (handle == 0) throw new IllegalStateException(what + ": no native handle");
    this.what = what;
    this.handle = handle;
  }

  /** The live handle; IllegalStateException once closed. */
  final long handle() {
    long h = handle;
    if (h == 0) throw new IllegalStateException(what + " is closed");
    return h;
  }

  public final boolean isClosed() {
    return handle == 0;
  }

  /** Releases the native handle; later calls do nothing. */
  @Override
  public void close() {
    long h = handle;
    if (h == 0) return;
    handle = 0;
    release(h);
  }

  abstract void release(long handle);
}
