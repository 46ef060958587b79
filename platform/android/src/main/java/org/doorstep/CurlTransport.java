package org.doorstep;

/**
 * The library's built-in libcurl transport (retries, keep-alive): what the office PC and tests
 * use. Pass it to {@link Sync} like any {@link Transport}; the sync then runs it natively and
 * {@link #send} is never called. Close it after the syncs using it are over.
 *
 * <p>Throws {@link DoorstepException} ({@link DoorstepException.Code#FAILED_PRECONDITION}) when
 * the library was built without libcurl (the usual Android build, where the app's HTTP stack is
 * used through a {@link Transport}).
 */
public final class CurlTransport extends NativeHandle implements Transport {
  public CurlTransport() {
    super("CurlTransport", Native.curlTransportCreate());
  }

  /** Not used: {@link Sync} hands the native transport to the library directly. */
  @Override
  public HttpResponse send(HttpRequest request) {
    throw new UnsupportedOperationException("CurlTransport sends natively");
  }

  @Override
  void release(long handle) {
    Native.curlTransportDestroy(handle);
  }
}
