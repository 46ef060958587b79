package org.doorstep;

/**
 * Where a store's encryption key lives: on Android the Keystore (a random key wrapped by a
 * Keystore AES key, see docs/android.md), on a PC a key file ({@link KeyFile}).
 *
 * <p>{@link #getOrCreateKey} is called during {@link Store#open}, on its thread, with the key id
 * (the store's file name without directory). It returns the key (32 bytes; the first time it
 * creates one, e.g. from {@link Doorstep#randomBytes}, and keeps it). The binding copies the key
 * into native memory and then overwrites the returned array with zeros. An exception thrown here
 * fails the open: a {@link RuntimeException} is rethrown as is, a checked one wrapped in a
 * {@link DoorstepException} (FAILED_PRECONDITION) with it as the cause.
 */
public interface KeyStore {
  byte[] getOrCreateKey(String keyId) throws Exception;
}
