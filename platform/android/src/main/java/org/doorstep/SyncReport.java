package org.doorstep;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** What a sync did (also when it stopped early: see {@link SyncException#report()}). */
public final class SyncReport {
  /** A conflict this sync met: the field, and whether this device's value won. */
  public static final class Conflict {
    private final String recordId;
    private final String path;
    private final boolean localWon;

    Conflict(String recordId, String path, boolean localWon) {
      this.recordId = recordId;
      this.path = path;
      this.localWon = localWon;
    }

    public String recordId() {
      return recordId;
    }

    public String path() {
      return path;
    }

    /** True: this device's value won; false: the store adopted the other device's value. */
    public boolean localWon() {
      return localWon;
    }

    @Override
    public String toString() {
      return recordId + " " + path + (localWon ? " (ours)" : " (theirs)");
    }
  }

  /** A change the server quarantined (kept for a reviewer, no longer pending here). */
  public static final class Quarantined {
    private final String recordId;
    private final String path;
    private final String reason;

    Quarantined(String recordId, String path, String reason) {
      this.recordId = recordId;
      this.path = path;
      this.reason = reason;
    }

    public String recordId() {
      return recordId;
    }

    public String path() {
      return path;
    }

    public String reason() {
      return reason;
    }

    @Override
    public String toString() {
      return recordId + " " + path + ": " + reason;
    }
  }

  private final long changesPushed;
  private final long changesPulled;
  private final long recordsCreated;
  private final long recordsPurged;
  private final long stillPending;
  private final long bytesSent;
  private final long bytesReceived;
  private final boolean checksumsMatch;
  private final List<Conflict> conflicts;
  private final List<Quarantined> quarantined;

  SyncReport(long[] counts, boolean checksumsMatch, Conflict[] conflicts,
      Quarantined[] quarantined) {
    this.changesPushed = counts[0];
    this.changesPulled = counts[1];
    this.recordsCreated = counts[2];
    this.recordsPurged = counts[6];
    this.stillPending = counts[3];
    this.bytesSent = counts[4];
    this.bytesReceived = counts[5];
    this.checksumsMatch = checksumsMatch;
    this.conflicts = Collections.unmodifiableList(Arrays.asList(conflicts));
    this.quarantined = Collections.unmodifiableList(Arrays.asList(quarantined));
  }

  public long changesPushed() {
    return changesPushed;
  }

  public long changesPulled() {
    return changesPulled;
  }

  public long recordsCreated() {
    return recordsCreated;
  }

  /** Records of villages this device no longer holds (the township rescoped it). */
  public long recordsPurged() {
    return recordsPurged;
  }

  public long stillPending() {
    return stillPending;
  }

  public long bytesSent() {
    return bytesSent;
  }

  public long bytesReceived() {
    return bytesReceived;
  }

  /** True when the per-village checksums were compared and matched. */
  public boolean checksumsMatch() {
    return checksumsMatch;
  }

  public List<Conflict> conflicts() {
    return conflicts;
  }

  public List<Quarantined> quarantined() {
    return quarantined;
  }

  @Override
  public String toString() {
    return "pushed " + changesPushed + ", pulled " + changesPulled + ", created "
        + recordsCreated + ", pending " + stillPending + ", checksums "
        + (checksumsMatch ? "match" : "not compared or differ") + ", conflicts "
        + conflicts.size() + ", quarantined " + quarantined.size();
  }
}
