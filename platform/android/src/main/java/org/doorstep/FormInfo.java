package org.doorstep;

/** An installed form version, with its title in both languages and its number of records. */
public final class FormInfo {
  private final String id;
  private final String version;
  private final String titleZh;
  private final String titleEn;
  private final long recordCount;

  FormInfo(String id, String version, String titleZh, String titleEn, long recordCount) {
    this.id = id;
    this.version = version;
    this.titleZh = titleZh;
    this.titleEn = titleEn;
    this.recordCount = recordCount;
  }

  public String id() {
    return id;
  }

  public String version() {
    return version;
  }

  /** The title in "zh" or "en" (each already falls back to the other when missing). */
  public String title(String language) {
    return "en".equals(language) ? titleEn : titleZh;
  }

  public long recordCount() {
    return recordCount;
  }

  @Override
  public String toString() {
    return id + "@" + version;
  }
}
