package org.doorstep;

/** State of a SIGNATURE question ({@code DS_SIGNATURE_*}). */
public enum SignatureState {
  /** Signed, and nothing it covers changed since. */
  VALID,
  /** Signed, but content it covers changed since: it must be signed again. */
  STALE,
  /** Not signed. */
  MISSING;

  static SignatureState of(int number) {
    switch (number) {
      case 0:
        return VALID;
      case 1:
        return STALE;
      default:
        return MISSING;
    }
  }
}
