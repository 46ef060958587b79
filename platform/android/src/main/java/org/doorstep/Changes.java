package org.doorstep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * What one edit changed on screen, in question order (removed questions first). An app updates
 * the rows named here instead of re-reading the form.
 */
public final class Changes implements Iterable<Change> {
  static final Changes NONE = new Changes(new Change[0], "");

  private final List<Change> list;
  private final String instancePath;

  /** Called by the native layer. */
  Changes(Change[] changes, String instancePath) {
    this.list = Collections.unmodifiableList(Arrays.asList(changes));
    this.instancePath = instancePath == null ? "" : instancePath;
  }

  public List<Change> list() {
    return list;
  }

  public int size() {
    return list.size();
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  /** {@link FormSession#addInstance}: the new instance's path ("members[uuid]"); otherwise "". */
  public String instancePath() {
    return instancePath;
  }

  /** The paths with a change of {@code kind}, in order. */
  public List<String> paths(Change.Kind kind) {
    List<String> out = new ArrayList<String>();
    for (Change c : list) {
      if (c.kind() == kind) out.add(c.path());
    }
    return out;
  }

  public boolean contains(String path, Change.Kind kind) {
    for (Change c : list) {
      if (c.kind() == kind && c.path().equals(path)) return true;
    }
    return false;
  }

  @Override
  public Iterator<Change> iterator() {
    return list.iterator();
  }

  @Override
  public String toString() {
    return list.toString();
  }
}
