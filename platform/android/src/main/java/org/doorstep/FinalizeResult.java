package org.doorstep;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The outcome of {@link FormSession#finalizeRecord()}: finalized (no errors; every question turned
 * read-only, see {@link #changes()}), or not (every error at once; nothing changed).
 */
public final class FinalizeResult {
  private final List<ValidationError> errors;
  private final Changes changes;

  FinalizeResult(ValidationError[] errors, Changes changes) {
    this.errors = Collections.unmodifiableList(Arrays.asList(errors));
    this.changes = changes == null ? Changes.NONE : changes;
  }

  public boolean finalized() {
    return errors.isEmpty();
  }

  public List<ValidationError> errors() {
    return errors;
  }

  public Changes changes() {
    return changes;
  }
}
