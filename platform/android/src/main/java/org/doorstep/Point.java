package org.doorstep;

/**
 * One pen point of a handwritten signature. Points of one stroke are consecutive; strokes are
 * numbered in order from 0. {@code tMs} counts from the first point; pressure is 0..1000, or -1
 * when the pen has none.
 */
public final class Point {
  public final int x;
  public final int y;
  public final int tMs;
  public final int pressure;
  public final int stroke;

  public Point(int x, int y, int tMs, int pressure, int stroke) {
    this.x = x;
    this.y = y;
    this.tMs = tMs;
    this.pressure = pressure;
    this.stroke = stroke;
  }
}
