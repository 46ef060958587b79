package org.doorstep;

/** Where a running sync is, reported to a {@link SyncProgressListener}. */
public final class SyncProgress {
  /** {@code DS_PHASE_*}. */
  public enum Phase {
    FORMS,
    PUSH,
    PULL,
    CHECKSUM,
    ATTACHMENTS,
    DONE;

    static Phase of(int number) {
      Phase[] all = values();
      return number >= 0 && number < all.length ? all[number] : DONE;
    }
  }

  private final Phase phase;
  private final long changesToPush;
  private final long changesPushed;
  private final long changesPulled;
  private final long bytesSent;
  private final long bytesReceived;

  SyncProgress(int phase, long changesToPush, long changesPushed, long changesPulled,
      long bytesSent, long bytesReceived) {
    this.phase = Phase.of(phase);
    this.changesToPush = changesToPush;
    this.changesPushed = changesPushed;
    this.changesPulled = changesPulled;
    this.bytesSent = bytesSent;
    this.bytesReceived = bytesReceived;
  }

  public Phase phase() {
    return phase;
  }

  public long changesToPush() {
    return changesToPush;
  }

  public long changesPushed() {
    return changesPushed;
  }

  public long changesPulled() {
    return changesPulled;
  }

  public long bytesSent() {
    return bytesSent;
  }

  public long bytesReceived() {
    return bytesReceived;
  }

  @Override
  public String toString() {
    return phase + " pushed " + changesPushed + "/" + changesToPush + " pulled " + changesPulled;
  }
}
