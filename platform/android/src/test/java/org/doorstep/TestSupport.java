package org.doorstep;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the Java tests share: the paths CMake passes as system properties (run_junit.cmake), a
 * store opener that uses a key store when the library encrypts, and a real doorstep-server
 * process on 127.0.0.1.
 */
final class TestSupport {
  private TestSupport() {}

  static String property(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isEmpty()) throw new IllegalStateException("-D" + name + " not set");
    return v;
  }

  /** The registry household form as binary FormDef bytes (`doorstep form compile`). */
  static byte[] householdForm() throws IOException {
    return Files.readAllBytes(Paths.get(property("doorstep.form.pb")));
  }

  /** A fresh directory under the build's work directory. */
  static Path tempDir(String prefix) throws IOException {
    Path work = Paths.get(property("doorstep.work"));
    Files.createDirectories(work);
    return Files.createTempDirectory(work, prefix);
  }

  /** A key store in memory, as the Android Keystore wrapper would be (one key per store). */
  static final class MemoryKeyStore implements KeyStore {
    final Map<String, byte[]> keys = new HashMap<>();
    int calls;

    @Override
    public byte[] getOrCreateKey(String keyId) {
      calls++;
      byte[] key = keys.computeIfAbsent(keyId, id -> Doorstep.randomBytes(32));
      return key.clone();  // the binding zeroes the array it is given
    }
  }

  /**
   * Opens a store: encrypted with a key from {@code keys} when the library has SQLCipher, plain
   * (the test-only flag) otherwise.
   */
  static Store openStore(Path file, MemoryKeyStore keys) {
    StoreOptions options = StoreOptions.DEFAULT.withDurability(StoreOptions.Durability.OFF);
    if (!Doorstep.encryptionAvailable()) options = options.withAllowPlain(true);
    return Store.open(file.toString(), keys, options);
  }

  /** A township server: `doorstep-server serve` on 127.0.0.1 with a free port. */
  static final class ServerProcess implements AutoCloseable {
    final Path dir;
    final String db;
    final String url;
    private final Process process;
    private final StringBuilder log = new StringBuilder();

    ServerProcess(Path dir, List<String> formFiles, Map<String, String> tokensOut,
        String village) throws Exception {
      this.dir = dir;
      this.db = dir.resolve("server.db").toString();
      List<String> install = new ArrayList<>(List.of("form", "install", "--db", db));
      install.addAll(formFiles);
      run(install);
      for (String name : new ArrayList<>(tokensOut.keySet())) {
        List<String> out = run(List.of("enroll", "--db", db, "--team", "第一工作队",
            "--villages", village));
        tokensOut.put(name, out.get(out.size() - 1).trim());
      }
      ProcessBuilder pb = new ProcessBuilder(property("doorstep.server"), "serve", "--db", db,
          "--listen", "127.0.0.1:0");
      pb.redirectErrorStream(true);
      process = pb.start();
      url = readUrl();
    }

    private String readUrl() throws IOException {
      BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String marker = "listening on ";
      for (String line; (line = r.readLine()) != null; ) {
        log.append(line).append('\n');
        int at = line.indexOf(marker);
        if (at >= 0) {
          Thread drain = new Thread(() -> {
            try {
              for (String l; (l = r.readLine()) != null; ) {
                synchronized (log) {
                  log.append(l).append('\n');
                }
              }
            } catch (IOException ignored) {
              // the server stopped
            }
          });
          drain.setDaemon(true);
          drain.start();
          return line.substring(at + marker.length()).trim();
        }
      }
      throw new IOException("doorstep-server did not start:\n" + log);
    }

    String log() {
      synchronized (log) {
        return log.toString();
      }
    }

    /** Runs a doorstep-server command on this server's database; its output lines. */
    List<String> run(List<String> args) throws Exception {
      List<String> cmd = new ArrayList<>();
      cmd.add(property("doorstep.server"));
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.redirectErrorStream(true);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("doorstep-server " + args + " failed:\n" + out);
      }
      return List.of(out.split("\n"));
    }

    @Override
    public void close() {
      process.destroy();  // SIGTERM
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  static String formFile(String name) {
    return new File(property("doorstep.form.dir"), name).getPath();
  }
}
