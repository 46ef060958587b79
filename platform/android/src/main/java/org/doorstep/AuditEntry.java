package org.doorstep;

/** One change of a record's audit trail: who changed which field, when, from what to what. */
public final class AuditEntry {
  private final String path;
  private final String oldValue;
  private final String newValue;
  private final String surveyor;
  private final String device;
  private final long timeMs;

  AuditEntry(String path, String oldValue, String newValue, String surveyor, String device,
      long timeMs) {
    this.path = path;
    this.oldValue = oldValue;
    this.newValue = newValue;
    this.surveyor = surveyor;
    this.device = device;
    this.timeMs = timeMs;
  }

  public String path() {
    return path;
  }

  /** As text; "" when empty. */
  public String oldValue() {
    return oldValue;
  }

  /** As text; "" when cleared. */
  public String newValue() {
    return newValue;
  }

  public String surveyor() {
    return surveyor;
  }

  public String device() {
    return device;
  }

  /** Unix milliseconds. */
  public long timeMs() {
    return timeMs;
  }

  @Override
  public String toString() {
    return path + ": '" + oldValue + "' -> '" + newValue + "' by " + surveyor + "/" + device;
  }
}
