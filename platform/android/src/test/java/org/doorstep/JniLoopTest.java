package org.doorstep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 100,000 JNI calls in a loop. Run under -Xcheck:jni (run_junit.cmake fails the test on any JNI
 * warning: a native method that keeps more local references than it may, or calls JNI with an
 * exception pending); here the resident memory must not grow with the number of calls (no native
 * list left unfreed, no global reference kept).
 */
class JniLoopTest {
  static final int CALLS = 100_000;

  @Test
  void hundredThousandCallsKeepLocalRefsAndMemoryFlat() throws Exception {
    Path dir = TestSupport.tempDir("loop");
    try (Store store = TestSupport.openStore(dir.resolve("loop.db"),
        new TestSupport.MemoryKeyStore())) {
      store.setAuthor("S017", "TAB-0042");
      store.installForm(TestSupport.householdForm());
      String id = store.createRecord("household");
      try (FormSession session = store.openSession(id, "zh")) {
        HouseholdScreen screen = new HouseholdScreen(session, "坪新冲村");
        screen.fillAll();  // ~150 questions with choices: questions() builds ~1,000 objects
        int questions = session.questions().size();
        assertTrue(questions > 100, "questions: " + questions);

        loop(session, store, CALLS / 10);  // warm up (JIT, heap, malloc arenas)
        System.gc();
        long before = residentKiB();
        long start = System.nanoTime();
        int calls = loop(session, store, CALLS);
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.gc();
        long after = residentKiB();
        System.out.printf("jni loop: %d calls in %d ms; resident %d KiB -> %d KiB (%+d KiB)%n",
            calls, ms, before, after, after - before);
        assertTrue(calls >= CALLS);
        // The Java heap is fixed and touched up front (-Xms = -Xmx, -XX:+AlwaysPreTouch in
        // run_junit.cmake), so this is native memory: a leak of 100 bytes a call would show as
        // 10 MiB; the JVM's own growth after the warm-up (JIT code, metadata) is well below.
        assertTrue(after - before < 8 * 1024,
            "resident memory grew by " + (after - before) + " KiB over " + calls + " calls");
      }
    }
  }

  /**
   * One round per iteration: navigation (a string back), the members with labels (an array of
   * objects, a frame per element), a cheap read; every 50th a full questions() snapshot (every
   * question and choice) and an edit with its change list. Returns the number of native calls.
   */
  private static int loop(FormSession session, Store store, int rounds) {
    int calls = 0;
    String cursor = null;
    for (int i = 0; calls < rounds; i++) {
      cursor = session.next(cursor);
      calls++;
      List<Instance> members = session.instances("members");
      assertEquals(3, members.size());
      calls++;
      assertNotNull(session.state());
      calls++;
      if (i % 50 == 0) {
        List<Question> questions = session.questions();
        assertTrue(questions.size() > 100);
        String group = (i / 50) % 2 == 0 ? "第六村民组" : "第五村民组";
        Changes changes = session.setText("village_group", group);
        assertNotNull(changes);
        store.pendingCount();
        calls += 3;
      }
    }
    return calls;
  }

  /** VmRSS of this process (Linux), in KiB. */
  static long residentKiB() throws IOException {
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.UTF_8)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS in /proc/self/status");
  }
}
