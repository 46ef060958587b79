package org.doorstep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An HTTP request of the sync client, handed to a host {@link Transport}. The body is raw bytes
 * (Doorstep compresses and sets Content-Encoding itself); send the headers as given.
 */
public final class HttpRequest {
  private final String method;
  private final String url;
  private final List<String[]> headers;
  private final byte[] body;

  /** Called by the native layer: headers flattened as name, value, name, value... */
  HttpRequest(String method, String url, String[] headers, byte[] body) {
    this.method = method;
    this.url = url;
    List<String[]> list = new ArrayList<String[]>(headers.length / 2);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      list.add(new String[] {headers[i], headers[i + 1]});
    }
    this.headers = Collections.unmodifiableList(list);
    this.body = body;
  }

  /** "GET", "POST", ... */
  public String method() {
    return method;
  }

  public String url() {
    return url;
  }

  public int headerCount() {
    return headers.size();
  }

  public String headerName(int i) {
    return headers.get(i)[0];
  }

  public String headerValue(int i) {
    return headers.get(i)[1];
  }

  /** The body (a copy); empty for none. */
  public byte[] body() {
    return body.clone();
  }

  /** The body length without copying it. */
  public int bodyLength() {
    return body.length;
  }

  byte[] bodyArray() {
    return body;
  }
}
