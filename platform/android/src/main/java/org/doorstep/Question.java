package org.doorstep;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One question of a {@link FormSession} as it is now: a snapshot (it does not follow later edits;
 * apply the {@link Changes} of each edit, or take {@link FormSession#questions()} again). Strings
 * are never null ("" when absent).
 */
public final class Question {
  /** What the row is ({@code DS_QUESTION_*}). */
  public enum Kind {
    /** A data field, a note, a signature, a photo. */
    FIELD,
    /** A group header; its children follow. */
    GROUP,
    /** A repeat header ("members"): the place of "add a member". */
    REPEAT,
    /** One repeat instance ("members[uuid]"); its fields follow. */
    INSTANCE;

    static Kind of(int number) {
      Kind[] all = values();
      return number >= 0 && number < all.length ? all[number] : FIELD;
    }
  }

  static final int FLAG_RELEVANT = 1;
  static final int FLAG_REQUIRED = 2;
  static final int FLAG_READ_ONLY = 4;
  static final int FLAG_HAS_VALUE = 8;

  private final Kind kind;
  private final String path;
  private final String name;
  private final FieldType type;
  private final int depth;
  private final String label;
  private final String hint;
  private final int flags;
  private final String display;
  private final String valueText;
  private final byte[] valueBytes;
  private final long instanceCount;
  private final List<Choice> choices;
  private final String errorCode;
  private final String errorMessage;
  private final SignatureState signatureState;
  private final String signerName;
  private final String proxySignerName;

  /** Called by the native layer. */
  Question(int kind, String path, String name, int type, int depth, String label, String hint,
      int flags, String display, String valueText, byte[] valueBytes, long instanceCount,
      Choice[] choices, String errorCode, String errorMessage, int signatureState,
      String signerName, String proxySignerName) {
    this.kind = Kind.of(kind);
    this.path = path;
    this.name = name;
    this.type = FieldType.of(type);
    this.depth = depth;
    this.label = label;
    this.hint = hint;
    this.flags = flags;
    this.display = display;
    this.valueText = valueText;
    this.valueBytes = valueBytes;
    this.instanceCount = instanceCount;
    this.choices = choices.length == 0
        ? Collections.<Choice>emptyList()
        : Collections.unmodifiableList(Arrays.asList(choices));
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
    this.signatureState = SignatureState.of(signatureState);
    this.signerName = signerName;
    this.proxySignerName = proxySignerName;
  }

  public Kind kind() {
    return kind;
  }

  /** Canonical path ("members[uuid]/m_name"); every path argument also accepts ordinals. */
  public String path() {
    return path;
  }

  public String name() {
    return name;
  }

  public FieldType type() {
    return type;
  }

  /** Nesting under groups, repeats and instances (0 = top level). */
  public int depth() {
    return depth;
  }

  /** In the session's language; for an instance its label (the member's name). */
  public String label() {
    return label;
  }

  public String hint() {
    return hint;
  }

  /** False when skip logic hides it now (an app hides the row). */
  public boolean relevant() {
    return (flags & FLAG_RELEVANT) != 0;
  }

  public boolean required() {
    return (flags & FLAG_REQUIRED) != 0;
  }

  /** Calculated, a note, or the record is finalized. */
  public boolean readOnly() {
    return (flags & FLAG_READ_ONLY) != 0;
  }

  public boolean hasValue() {
    return (flags & FLAG_HAS_VALUE) != 0;
  }

  /** The value for a screen: choice labels, "2026-03-01"; "" when empty. */
  public String display() {
    return display;
  }

  /** The value as text that {@link FormSession#setText} reads back; "" when empty. */
  public String valueText() {
    return valueText;
  }

  /** The value as serialized doorstep.v1.Value bytes (a copy); null when empty. */
  public byte[] valueBytes() {
    return valueBytes == null ? null : valueBytes.clone();
  }

  /** REPEAT: its instances now; INSTANCE: its 1-based ordinal; otherwise 0. */
  public long instanceCount() {
    return instanceCount;
  }

  /** SELECT questions: the choices offered now (after any choice filter). */
  public List<Choice> choices() {
    return choices;
  }

  /** The validation error now: "required", "constraint", ...; "" when none. */
  public String errorCode() {
    return errorCode;
  }

  public String errorMessage() {
    return errorMessage;
  }

  public boolean hasError() {
    return !errorCode.isEmpty();
  }

  public SignatureState signatureState() {
    return signatureState;
  }

  public String signerName() {
    return signerName;
  }

  public String proxySignerName() {
    return proxySignerName;
  }

  @Override
  public String toString() {
    return kind + " " + path + " " + type + (relevant() ? "" : " (hidden)")
        + (display.isEmpty() ? "" : " = " + display) + (hasError() ? " !" + errorCode : "");
  }
}
