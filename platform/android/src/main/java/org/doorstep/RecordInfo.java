package org.doorstep;

/** One record of a {@link Store#findRecords} listing. */
public final class RecordInfo {
  private final String id;
  private final String formId;
  private final String formVersion;
  private final RecordState state;
  private final long updatedMs;

  RecordInfo(String id, String formId, String formVersion, int state, long updatedMs) {
    this.id = id;
    this.formId = formId;
    this.formVersion = formVersion;
    this.state = RecordState.of(state);
    this.updatedMs = updatedMs;
  }

  /** 36-character UUID. */
  public String id() {
    return id;
  }

  public String formId() {
    return formId;
  }

  public String formVersion() {
    return formVersion;
  }

  public RecordState state() {
    return state;
  }

  /** Last change, Unix milliseconds. */
  public long updatedMs() {
    return updatedMs;
  }

  @Override
  public String toString() {
    return id + " " + formId + "@" + formVersion + " " + state;
  }
}
