package org.doorstep;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link Transport} over {@code java.net.HttpURLConnection} (available on Android and on any
 * JVM). Timeouts are the app's choice; automatic decompression is off (Doorstep decodes the
 * Content-Encoding itself).
 */
public final class HttpUrlConnectionTransport implements Transport {
  private final int connectTimeoutMs;
  private final int readTimeoutMs;

  public HttpUrlConnectionTransport() {
    this(15000, 60000);
  }

  public HttpUrlConnectionTransport(int connectTimeoutMs, int readTimeoutMs) {
    this.connectTimeoutMs = connectTimeoutMs;
    this.readTimeoutMs = readTimeoutMs;
  }

  @Override
  public HttpResponse send(HttpRequest request) throws IOException {
    HttpURLConnection c = (HttpURLConnection) new URL(request.url()).openConnection();
    try {
      c.setConnectTimeout(connectTimeoutMs);
      c.setReadTimeout(readTimeoutMs);
      c.setRequestMethod(request.method());
      c.setUseCaches(false);
      c.setInstanceFollowRedirects(false);
      for (int i = 0; i < request.headerCount(); i++) {
        c.setRequestProperty(request.headerName(i), request.headerValue(i));
      }
      byte[] body = request.bodyArray();
      if (body.length > 0 || "POST".equals(request.method()) || "PUT".equals(request.method())) {
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(body.length);
        OutputStream out = c.getOutputStream();
        try {
          out.write(body);
        } finally {
          out.close();
        }
      }
      int status = c.getResponseCode();
      List<String[]> headers = new ArrayList<String[]>();
      for (Map.Entry<String, List<String>> e : c.getHeaderFields().entrySet()) {
        if (e.getKey() == null) continue;  // the status line
        for (String v : e.getValue()) headers.add(new String[] {e.getKey(), v});
      }
      return new HttpResponse(status, headers, readAll(status >= 400 ? c.getErrorStream()
                                                                     : c.getInputStream()));
    } finally {
      c.disconnect();
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    if (in == null) return new byte[0];
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[16384];
      for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
      return out.toByteArray();
    } finally {
      in.close();
    }
  }
}
