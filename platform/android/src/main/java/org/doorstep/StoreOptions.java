package org.doorstep;

/** How a {@link Store} is opened. Immutable: each {@code with...} returns a copy. */
public final class StoreOptions {
  /** When commits reach the disk. */
  public enum Durability {
    /** Every commit fsynced (the default: a saved survey survives the battery dying). */
    FULL,
    NORMAL,
    /** Tests only. */
    OFF
  }

  public static final StoreOptions DEFAULT = new StoreOptions(Durability.FULL, false);

  private final Durability durability;
  private final boolean allowPlain;

  private StoreOptions(Durability durability, boolean allowPlain) {
    this.durability = durability;
    this.allowPlain = allowPlain;
  }

  public StoreOptions withDurability(Durability durability) {
    return new StoreOptions(durability, allowPlain);
  }

  /** Allows a store without a key (no {@link KeyStore}). Tests only: a tablet build refuses it. */
  public StoreOptions withAllowPlain(boolean allowPlain) {
    return new StoreOptions(durability, allowPlain);
  }

  public Durability durability() {
    return durability;
  }

  public boolean allowPlain() {
    return allowPlain;
  }
}
