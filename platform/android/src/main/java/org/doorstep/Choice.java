package org.doorstep;

/** One choice of a SELECT question: the stored value and its label in the session's language. */
public final class Choice {
  private final String value;
  private final String label;

  Choice(String value, String label) {
    this.value = value;
    this.label = label;
  }

  public String value() {
    return value;
  }

  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return value + " (" + label + ")";
  }
}
