package org.doorstep;

/** One validation error of a record: the question's path, a code and a message to show. */
public final class ValidationError {
  private final String path;
  private final String code;
  private final String message;

  ValidationError(String path, String code, String message) {
    this.path = path;
    this.code = code;
    this.message = message;
  }

  public String path() {
    return path;
  }

  /** required | constraint | type | choice | repeat_min | repeat_max | signature_stale | ... */
  public String code() {
    return code;
  }

  public String message() {
    return message;
  }

  @Override
  public String toString() {
    return path + ": " + code + " (" + message + ")";
  }
}
