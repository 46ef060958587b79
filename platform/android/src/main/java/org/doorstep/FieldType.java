package org.doorstep;

/** Field types ({@code DS_TYPE_*}, == doorstep.v1.FieldType). */
public enum FieldType {
  UNSPECIFIED(0),
  TEXT(1),
  INTEGER(2),
  DECIMAL(3),
  DATE(4),
  SELECT_ONE(5),
  SELECT_MULTIPLE(6),
  GEOPOINT(7),
  SIGNATURE(8),
  ATTACHMENT(9),
  GROUP(10),
  REPEAT(11),
  NOTE(12);

  private final int number;

  FieldType(int number) {
    this.number = number;
  }

  public int number() {
    return number;
  }

  static FieldType of(int number) {
    for (FieldType t : values()) {
      if (t.number == number) return t;
    }
    return UNSPECIFIED;
  }
}
