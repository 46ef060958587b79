package org.doorstep;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** A conflict kept on the server for the township reviewer: every concurrent value of a field. */
public final class Conflict {
  /** One concurrent value: as text, with who wrote it on which device. */
  public static final class Candidate {
    private final String value;
    private final String surveyor;
    private final String device;

    Candidate(String value, String surveyor, String device) {
      this.value = value;
      this.surveyor = surveyor;
      this.device = device;
    }

    public String value() {
      return value;
    }

    public String surveyor() {
      return surveyor;
    }

    public String device() {
      return device;
    }

    @Override
    public String toString() {
      return "'" + value + "' by " + surveyor + "/" + device;
    }
  }

  private final long id;
  private final String recordId;
  private final String path;
  private final boolean resolved;
  private final List<Candidate> candidates;
  private final int winner;

  Conflict(long id, String recordId, String path, boolean resolved, Candidate[] candidates,
      int winner) {
    this.id = id;
    this.recordId = recordId;
    this.path = path;
    this.resolved = resolved;
    this.candidates = Collections.unmodifiableList(Arrays.asList(candidates));
    this.winner = winner;
  }

  public long id() {
    return id;
  }

  public String recordId() {
    return recordId;
  }

  public String path() {
    return path;
  }

  public boolean resolved() {
    return resolved;
  }

  public List<Candidate> candidates() {
    return candidates;
  }

  /** Index into {@link #candidates()} of the value that won. */
  public int winner() {
    return winner;
  }

  @Override
  public String toString() {
    return "#" + id + " " + recordId + " " + path + " " + candidates;
  }
}
