package org.doorstep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.doorstep.TestSupport.MemoryKeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tablet A fills and finalizes a household, syncs with a real doorstep-server on 127.0.0.1 over
 * the app's own HTTP (HttpURLConnection, the Android way); tablet B, enrolled for the same
 * village over the built-in libcurl transport, syncs and sees the household.
 */
class SyncLoopbackTest {
  static final String VILLAGE = "坪新冲村";
  static Path dir;
  static TestSupport.ServerProcess server;
  static final Map<String, String> tokens = new LinkedHashMap<>();

  @BeforeAll
  static void startServer() throws Exception {
    dir = TestSupport.tempDir("sync");
    tokens.put("A", null);
    tokens.put("B", null);
    tokens.put("C", null);
    server = new TestSupport.ServerProcess(dir,
        List.of(TestSupport.formFile("household.json")), tokens, VILLAGE);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) server.close();
  }

  @Test
  void householdReachesTheSecondTablet() throws Exception {
    String recordId;
    List<SyncProgress> seen = new ArrayList<>();
    try (Store a = TestSupport.openStore(dir.resolve("tab-a.db"), new MemoryKeyStore())) {
      a.setAuthor("S017", "TAB-A");
      Sync sync = new Sync(a, new HttpUrlConnectionTransport());
      sync.enroll(server.url, tokens.get("A"), "TAB-A");
      assertEquals("household", a.forms().get(0).id(), "the server's forms are installed");

      recordId = a.createRecord("household");
      try (FormSession session = a.openSession(recordId, "zh")) {
        HouseholdScreen screen = new HouseholdScreen(session, VILLAGE);
        screen.fillAll();
        screen.signAll();
        assertTrue(session.finalizeRecord().finalized());
      }
      long pending = a.pendingCount();
      assertTrue(pending > 0);

      try (CancelToken cancel = new CancelToken()) {
        SyncReport report = sync.sync(seen::add, cancel);
        assertTrue(report.changesPushed() > 0, report.toString());
        assertEquals(0, report.stillPending(), report.toString());
        assertTrue(report.conflicts().isEmpty(), report.toString());
      }
      assertEquals(0, a.pendingCount());
      assertFalse(seen.isEmpty(), "progress was reported");
      assertTrue(seen.stream().anyMatch(p -> p.phase() == SyncProgress.Phase.PUSH),
          seen.toString());
      assertTrue(sync.conflicts(false).isEmpty());
    } catch (Exception | AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nserver log:\n" + server.log(), e);
    }

    try (Store b = TestSupport.openStore(dir.resolve("tab-b.db"), new MemoryKeyStore());
        CurlTransport curl = new CurlTransport()) {
      b.setAuthor("S018", "TAB-B");
      Sync sync = new Sync(b, curl);
      sync.enroll(server.url, tokens.get("B"), "TAB-B");
      SyncReport report = sync.sync();
      assertTrue(report.changesPulled() > 0, report.toString());
      assertEquals(1, report.recordsCreated(), report.toString());

      List<RecordInfo> found = b.findRecords("household", HouseholdScreen.HEAD_NAME, 0);
      assertEquals(1, found.size());
      assertEquals(recordId, found.get(0).id());
      assertEquals(RecordState.FINALIZED, found.get(0).state());
      try (FormSession session = b.openSession(recordId, "zh")) {
        assertEquals(HouseholdScreen.HEAD_NAME, session.question("head_name").valueText());
        assertEquals(3, session.instances("members").size());
        assertEquals("𠀾小明", session.instances("members").get(2).label());
        for (String sig :
            List.of("sig_head", "sig_responsible", "sig_surveyor", "sig_team_leader")) {
          assertEquals(SignatureState.VALID, session.question(sig).signatureState(), sig);
        }
        assertTrue(session.validate().isEmpty());
      }
      assertFalse(b.auditTrail(recordId).isEmpty());
    }
  }

  @Test
  void cancelAndFailingCallbacks() throws Exception {
    try (Store c = TestSupport.openStore(dir.resolve("tab-c.db"), new MemoryKeyStore())) {
      c.setAuthor("S019", "TAB-C");
      Sync sync = new Sync(c, new HttpUrlConnectionTransport());
      sync.enroll(server.url, tokens.get("C"), "TAB-C");

      // Cancelled before it starts: CANCELLED, with a report of what was done (nothing).
      try (CancelToken cancel = new CancelToken()) {
        cancel.cancel();
        SyncException e = assertThrows(SyncException.class, () -> sync.sync(null, cancel));
        assertEquals(DoorstepException.Code.CANCELLED, e.code(), e.getMessage());
        assertEquals(0, e.report().changesPushed());
      }

      // A listener that throws stops the sync; its exception comes out of sync().
      IllegalStateException boom = new IllegalStateException("listener failed");
      IllegalStateException thrown = assertThrows(IllegalStateException.class,
          () -> sync.sync(p -> { throw boom; }, null));
      assertSame(boom, thrown);

      // A transport that throws something else than IOException: rethrown as is.
      UnsupportedOperationException bad = new UnsupportedOperationException("no network stack");
      Sync broken = new Sync(c, request -> { throw bad; });
      assertSame(bad, assertThrows(UnsupportedOperationException.class, broken::sync));

      // After all that the store still syncs.
      assertEquals(0, sync.sync().stillPending());
    }
  }
}
