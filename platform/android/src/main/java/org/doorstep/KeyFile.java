package org.doorstep;

/**
 * The library's key-file key store (PCs, tests): the key as hex in a file of mode 0600, created
 * on first use; a file readable by group or others is refused. Not for tablets: use the platform
 * key store there. Close it after every store opened with it is closed.
 */
public final class KeyFile extends NativeHandle implements KeyStore {
  public KeyFile(String path) {
    super("KeyFile", Native.keyFileCreate(path));
  }

  /** Not used: {@link Store#open} hands the native key store to the library directly. */
  @Override
  public byte[] getOrCreateKey(String keyId) {
    throw new UnsupportedOperationException("KeyFile is used natively");
  }

  @Override
  void release(long handle) {
    Native.keyFileDestroy(handle);
  }
}
