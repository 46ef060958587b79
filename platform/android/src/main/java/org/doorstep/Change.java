package org.doorstep;

/** One thing an edit changed on screen: a question's path and what happened to it. */
public final class Change {
  /** {@code DS_CHANGE_*} (== doorstep::ChangeKind). */
  public enum Kind {
    /** A question entered the list (a new repeat instance and its fields). */
    INSERTED,
    /** A question left the list (a removed instance and its fields). */
    REMOVED,
    /** Became relevant: show it (and ask it). */
    APPEARED,
    /** Became non-relevant: hide it. */
    DISAPPEARED,
    /** Value changed: the edit itself, a recalculation, a cleared value. */
    VALUE,
    ERROR_APPEARED,
    ERROR_CLEARED,
    /** The required flag flipped. */
    REQUIRED,
    /** A signature went stale (content it covers changed). */
    SIGNATURE_STALE,
    /** Any other signature state change (signed, cleared). */
    SIGNATURE,
    /** Label changed (an instance label follows the member's name). */
    LABEL,
    /** read-only flipped (finalize, reopen). */
    READ_ONLY,
    /** A kind this version of the binding does not know. */
    UNKNOWN;

    static Kind of(int number) {
      Kind[] all = values();
      return number >= 0 && number < all.length - 1 ? all[number] : UNKNOWN;
    }
  }

  private final String path;
  private final Kind kind;

  Change(String path, int kind) {
    this.path = path;
    this.kind = Kind.of(kind);
  }

  public String path() {
    return path;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public String toString() {
    return kind + " " + path;
  }
}
