package org.doorstep;

/**
 * A failure reported by the native library: a {@link Code} (the stable numbers of the C ABI's
 * {@code ds_status}), a message that names what was wrong (a field path, an HTTP endpoint; never a
 * value, which may be personal data) and {@link #where()}, the part of the message that locates
 * it.
 *
 * <p>Unchecked, as {@code android.database.SQLException} is: most failures are either programming
 * errors (a bad path, a closed handle) or outcomes an app handles in one place (a screen's error
 * banner, a sync retry), and a checked exception would force a {@code try} around every getter
 * (and Kotlin ignores checked exceptions anyway). Expected outcomes are not exceptions: a record
 * that does not validate comes back as a {@link FinalizeResult} with its errors.
 */
public class DoorstepException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The status codes of the C ABI ({@code DS_*}); the numbers never change. */
  public enum Code {
    OK(0),
    INVALID_ARGUMENT(1),
    NOT_FOUND(2),
    ALREADY_EXISTS(3),
    FAILED_PRECONDITION(4),
    VALIDATION(5),
    PARSE(6),
    CORRUPTION(7),
    IO(8),
    WRONG_KEY(9),
    SCHEMA_TOO_NEW(10),
    CONFLICT(11),
    PERMISSION_DENIED(12),
    INTERNAL(13),
    UNAVAILABLE(14),
    CANCELLED(15),
    RESOURCE_EXHAUSTED(16),
    /** A number this version of the binding does not know (a newer library). */
    UNKNOWN(-1);

    private final int number;

    Code(int number) {
      this.number = number;
    }

    /** The C ABI's number. */
    public int number() {
      return number;
    }

    /** The code of a C ABI number; {@link #UNKNOWN} for numbers this binding does not know. */
    public static Code of(int number) {
      for (Code c : values()) {
        if (c.number == number) return c;
      }
      return UNKNOWN;
    }
  }

  private final int codeNumber;
  private final String where;

  /** Called by the native layer (and by the binding for errors it detects itself). */
  public DoorstepException(int codeNumber, String message, String where) {
    super(message == null || message.isEmpty()
        ? Code.of(codeNumber).name().toLowerCase(java.util.Locale.ROOT)
        : message);
    this.codeNumber = codeNumber;
    this.where = where == null ? "" : where;
  }

  public DoorstepException(Code code, String message) {
    this(code.number(), message, "");
  }

  public DoorstepException(Code code, String message, Throwable cause) {
    this(code.number(), message, "");
    initCause(cause);
  }

  public Code code() {
    return Code.of(codeNumber);
  }

  /** The raw number, also for codes this binding does not know. */
  public int codeNumber() {
    return codeNumber;
  }

  /** The field path, byte offset or endpoint at fault; "" when none. */
  public String where() {
    return where;
  }
}
