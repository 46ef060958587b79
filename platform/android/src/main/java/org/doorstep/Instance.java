package org.doorstep;

/** One instance of a repeat, in display order: its path and label (the member's name). */
public final class Instance {
  private final String path;
  private final String label;

  Instance(String path, String label) {
    this.path = path;
    this.label = label;
  }

  /** "members[uuid]". */
  public String path() {
    return path;
  }

  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return path + " " + label;
  }
}
