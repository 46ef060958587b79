package org.doorstep;

import java.io.IOException;

/**
 * HTTP for the sync client, supplied by the app (the model of LiteCore's C4SocketFactory): the
 * app's own HTTP stack, proxy settings and certificate pinning. {@link HttpUrlConnectionTransport}
 * is one over {@code java.net.HttpURLConnection}; {@link CurlTransport} is the library's built-in
 * libcurl transport.
 *
 * <p>{@link #send} runs on the thread that called {@link Sync}, blocks until the server's answer
 * (whatever its HTTP status) and returns it. Throw {@link IOException} when no answer was had
 * (connection refused, timeout, no network): the sync client retries with backoff and finally
 * reports {@link DoorstepException.Code#UNAVAILABLE}. Any other exception stops the sync and is
 * rethrown from the {@link Sync} call.
 */
public interface Transport {
  HttpResponse send(HttpRequest request) throws IOException;
}
