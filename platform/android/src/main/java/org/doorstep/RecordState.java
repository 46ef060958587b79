package org.doorstep;

/** A record's state: a draft being filled, or finalized (read-only until reopened). */
public enum RecordState {
  DRAFT,
  FINALIZED;

  static RecordState of(int number) {
    return number == 1 ? FINALIZED : DRAFT;
  }
}
