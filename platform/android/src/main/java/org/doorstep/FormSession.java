package org.doorstep;

import java.util.List;

/**
 * A live view of one record, what an app's survey screens are drawn from: the ordered questions
 * (groups and repeat instances expanded, labels in the session's language, choices, values, and
 * whether each is relevant, required, read-only and in error now), edits written to the store at
 * once (one transaction each), and after every edit the {@link Changes} on screen.
 *
 * <p>Paths are canonical ("members[uuid]/m_name"); every path argument also accepts 1-based
 * ordinals in display order ("members[2]/m_name"). A value that does not fit its field throws
 * {@link DoorstepException} INVALID_ARGUMENT naming the path, and nothing is written.
 *
 * <p>Threads: the store's thread only. Close the session before its store (closing the store
 * closes it too).
 */
public final class FormSession extends NativeHandle {
  private final Store store;

  FormSession(Store store, long handle) {
    super("FormSession", handle);
    this.store = store;
  }

  public RecordState state() {
    return RecordState.of(Native.sessionState(handle()));
  }

  /** "zh" or "en"; labels of later snapshots follow. */
  public void setLanguage(String language) {
    Native.sessionSetLanguage(handle(), language);
  }

  /** The questions now (a snapshot). */
  public List<Question> questions() {
    return Store.list(Native.sessionQuestions(handle()));
  }

  /** The question at {@code path} now (ordinals accepted), or null. */
  public Question question(String path) {
    return Native.sessionQuestion(handle(), path);
  }

  /** Parses {@code text} by the field's type ("2026-03-01", "12.5", "a b" for a multi-select). */
  public Changes setText(String path, String text) {
    return Native.sessionSetText(handle(), path, text);
  }

  /** Sets a value given as serialized doorstep.v1.Value bytes. */
  public Changes setValue(String path, byte[] valueBytes) {
    return Native.sessionSetValue(handle(), path, valueBytes);
  }

  public Changes clear(String path) {
    return Native.sessionClear(handle(), path);
  }

  /** Adds an instance to a repeat ("members"); {@link Changes#instancePath()} names it. */
  public Changes addInstance(String repeatPath) {
    return Native.sessionAddInstance(handle(), repeatPath);
  }

  public Changes removeInstance(String instancePath) {
    return Native.sessionRemoveInstance(handle(), instancePath);
  }

  /** Instances of a repeat in display order, with their labels. */
  public List<Instance> instances(String repeatPath) {
    return Store.list(Native.sessionInstances(handle(), repeatPath));
  }

  /** The next relevant field question after {@code path} (null: from the start), or null. */
  public String next(String path) {
    return emptyToNull(Native.sessionNext(handle(), path));
  }

  /** The previous relevant field question before {@code path} (null: from the end), or null. */
  public String previous(String path) {
    return emptyToNull(Native.sessionPrevious(handle(), path));
  }

  /** The first relevant question with an error; null when there is none. */
  public String firstError() {
    return emptyToNull(Native.sessionFirstError(handle()));
  }

  /**
   * Signs the SIGNATURE question {@code path}: the signature binds the content it covers (a later
   * edit of it makes the signature stale). {@code proxySignerName} null unless someone signs for
   * a signer who cannot write (the form must allow it). Canvas 0x0 = unknown.
   */
  public Changes sign(String path, String signerName, String proxySignerName, int canvasWidth,
      int canvasHeight, List<Point> points) {
    int[] flat = new int[points.size() * 5];
    int k = 0;
    for (Point p : points) {
      flat[k++] = p.x;
      flat[k++] = p.y;
      flat[k++] = p.tMs;
      flat[k++] = p.pressure;
      flat[k++] = p.stroke;
    }
    return Native.sessionSign(handle(), path, signerName, proxySignerName, canvasWidth,
        canvasHeight, flat);
  }

  /** The signature at {@code path} as a standalone SVG document; NOT_FOUND when unsigned. */
  public String signatureSvg(String path) {
    return Native.sessionSignatureSvg(handle(), path);
  }

  /** Adds a photo (at most 20 MiB) to the ATTACHMENT question {@code path}. */
  public Changes attach(String path, byte[] bytes, String mediaType, String fileName) {
    return Native.sessionAttach(handle(), path, bytes, mediaType, fileName);
  }

  /** Every validation error now (the store is not changed). */
  public List<ValidationError> validate() {
    return Store.list(Native.sessionValidate(handle()));
  }

  /**
   * Finalizes the record when it is valid; otherwise returns every error and changes nothing.
   * (Not named {@code finalize}: that is {@link Object}'s.)
   */
  public FinalizeResult finalizeRecord() {
    return Native.sessionFinalize(handle());
  }

  /** Finalized -> draft, for a correction. */
  public Changes reopen() {
    return Native.sessionReopen(handle());
  }

  /** Reloads the record after a sync wrote into it; returns what changed. */
  public Changes refresh() {
    return Native.sessionRefresh(handle());
  }

  @Override
  void release(long handle) {
    store.forget(this);
    Native.sessionClose(handle);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
