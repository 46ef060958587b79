package org.doorstep;

/**
 * The library: loading it, its version. The JNI library {@code libdoorstep_jni.so} (which links
 * {@code libdoorstep.so}) is loaded with {@code System.loadLibrary("doorstep_jni")}, or from the
 * absolute path in the system property {@code doorstep.jni.library} when set (tests, desktop).
 */
public final class Doorstep {
  /** The C ABI version this binding was written against. */
  public static final int ABI_VERSION = 1;

  private Doorstep() {}

  /** "0.1.0": the native library's version. */
  public static String version() {
    return Native.version();
  }

  /** The ABI version of the native library actually loaded. */
  public static int abiVersion() {
    return Native.abiVersion();
  }

  /**
   * True when this library encrypts stores (built with SQLCipher). Without encryption a store can
   * only be opened plain ({@link StoreOptions#withAllowPlain}) and the key store is not asked.
   */
  public static boolean encryptionAvailable() {
    return Native.encryptionAvailable();
  }

  /** {@code n} bytes from the operating system's random source (e.g. a new store key). */
  public static byte[] randomBytes(int n) {
    return Native.randomBytes(n);
  }

  static void load() {
    String path = System.getProperty("doorstep.jni.library");
    if (path != null && !path.isEmpty()) {
      System.load(path);
    } else {
      System.loadLibrary("doorstep_jni");
    }
  }
}
