package org.doorstep;

import java.util.ArrayList;
import java.util.List;

/** The server's answer, as a host {@link Transport} received it (any HTTP status). */
public final class HttpResponse {
  private final int status;
  private final String[] headers;
  private final byte[] body;

  /**
   * @param status the HTTP status (200, 401, 503...)
   * @param headers name, value pairs (Content-Type, Content-Encoding... as received)
   * @param body the raw body, still compressed as the server sent it; not copied
   */
  public HttpResponse(int status, List<String[]> headers, byte[] body) {
    this.status = status;
    List<String> flat = new ArrayList<String>();
    for (String[] h : headers) {
      if (h.length != 2 || h[0] == null || h[1] == null) {
        throw new IllegalArgumentException("a header is a name and a value");
      }
      flat.add(h[0]);
      flat.add(h[1]);
    }
    this.headers = flat.toArray(new String[0]);
    this.body = body == null ? new byte[0] : body;
  }

  public int status() {
    return status;
  }

  String[] headerArray() {
    return headers;
  }

  byte[] bodyArray() {
    return body;
  }
}
