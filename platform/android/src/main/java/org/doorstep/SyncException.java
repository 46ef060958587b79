package org.doorstep;

/**
 * A sync that stopped on an error ({@link #code()} is the sync's first error), with the report of
 * what was done before it stopped (changes pushed, pulled...): a partial sync is still progress.
 */
public final class SyncException extends DoorstepException {
  private static final long serialVersionUID = 1L;
  private final transient SyncReport report;

  SyncException(int codeNumber, String message, String where, SyncReport report) {
    super(codeNumber, message, where);
    this.report = report;
  }

  /** What the sync did before it stopped. */
  public SyncReport report() {
    return report;
  }
}
