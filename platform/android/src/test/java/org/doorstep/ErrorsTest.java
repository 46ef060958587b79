package org.doorstep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Errors come out as DoorstepException with code and path; closed handles never crash. */
class ErrorsTest {
  private Path dir;
  private final TestSupport.MemoryKeyStore keys = new TestSupport.MemoryKeyStore();
  private Store store;
  private String recordId;

  @BeforeEach
  void setUp() throws Exception {
    dir = TestSupport.tempDir("errors");
    store = TestSupport.openStore(dir.resolve("tablet.db"), keys);
    store.setAuthor("S017", "TAB-0042");
    store.installForm(TestSupport.householdForm());
    recordId = store.createRecord("household");
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private static DoorstepException.Code code(Runnable r) {
    return assertThrows(DoorstepException.class, r::run).code();
  }

  @Test
  void badValuesThrowInvalidArgumentNamingThePath() {
    try (FormSession session = store.openSession(recordId, "zh")) {
      DoorstepException e = assertThrows(DoorstepException.class,
          () -> session.setText("status_year", "twenty"));
      assertEquals(DoorstepException.Code.INVALID_ARGUMENT, e.code());
      assertEquals(1, e.codeNumber());
      assertTrue(e.getMessage().contains("status_year"), e.getMessage());
      assertTrue(e.where().contains("status_year"), e.where());
      assertTrue(!e.getMessage().contains("twenty"), "messages never repeat values");

      e = assertThrows(DoorstepException.class, () -> session.setText("house_danger", "E"));
      assertEquals(DoorstepException.Code.INVALID_ARGUMENT, e.code());
      assertTrue(e.getMessage().contains("house_danger"), e.getMessage());

      session.addInstance("members");
      e = assertThrows(DoorstepException.class, () -> session.setText("members[1]/m_sex", "x"));
      assertEquals(DoorstepException.Code.INVALID_ARGUMENT, e.code());
      assertTrue(e.getMessage().contains("m_sex"), e.getMessage());

      e = assertThrows(DoorstepException.class, () -> session.setText("members[3]/m_name", "李"));
      assertEquals(DoorstepException.Code.INVALID_ARGUMENT, e.code());
      assertTrue(e.getMessage().contains("members"), e.getMessage());

      e = assertThrows(DoorstepException.class, () -> session.setText("no_such_field", "1"));
      assertTrue(e.getMessage().contains("no_such_field"), e.getMessage());
      assertTrue(e.code() == DoorstepException.Code.INVALID_ARGUMENT
          || e.code() == DoorstepException.Code.NOT_FOUND, e.code().toString());

      DoorstepException.Code undecodable =
          code(() -> session.setValue("county", new byte[] {(byte) 0xff, 0x01}));
      assertTrue(List.of(DoorstepException.Code.INVALID_ARGUMENT, DoorstepException.Code.PARSE,
          DoorstepException.Code.CORRUPTION).contains(undecodable), undecodable.toString());
      assertEquals(DoorstepException.Code.INVALID_ARGUMENT, code(() -> session.setText(null, "x")));
      assertEquals(DoorstepException.Code.INVALID_ARGUMENT, code(() -> session.setLanguage("fr")));
      // Nothing was written by the refused edits.
      assertTrue(!session.question("status_year").hasValue());
    }
  }

  @Test
  void otherFailuresCarryTheirCodes() {
    assertEquals(DoorstepException.Code.NOT_FOUND,
        code(() -> store.openSession("00000000-0000-4000-8000-000000000000", "zh")));
    DoorstepException.Code garbage = code(() -> store.installForm(new byte[] {1, 2, 3, 4, 5}));
    assertTrue(List.of(DoorstepException.Code.CORRUPTION, DoorstepException.Code.PARSE,
        DoorstepException.Code.INVALID_ARGUMENT).contains(garbage), garbage.toString());
    assertEquals(DoorstepException.Code.NOT_FOUND, code(() -> store.createRecord("no_such_form")));
    assertEquals(DoorstepException.Code.FAILED_PRECONDITION,
        code(() -> Store.open(dir.resolve("nokey.db").toString(), null)));
    // Not enrolled: sync is not allowed yet.
    assertEquals(DoorstepException.Code.FAILED_PRECONDITION,
        code(() -> new Sync(store, new HttpUrlConnectionTransport()).sync()));
  }

  @Test
  void finalizedRecordsRefuseEdits() {
    try (FormSession session = store.openSession(recordId, "zh")) {
      // Not finalizable yet: every error at once, and the record stays a draft.
      FinalizeResult r = session.finalizeRecord();
      assertTrue(!r.finalized() && r.errors().size() > 5, r.errors().toString());
      assertEquals(RecordState.DRAFT, session.state());
    }
  }

  @Test
  void closedHandlesThrowIllegalState() {
    FormSession session = store.openSession(recordId, "zh");
    session.close();
    session.close();  // twice is fine
    assertTrue(session.isClosed());
    assertThrows(IllegalStateException.class, session::questions);
    assertThrows(IllegalStateException.class, () -> session.setText("county", "x"));

    FormSession open = store.openSession(recordId, "zh");
    Store other = TestSupport.openStore(dir.resolve("other.db"), new TestSupport.MemoryKeyStore());
    other.close();
    assertThrows(IllegalStateException.class, other::forms);
    assertThrows(IllegalStateException.class, () -> other.openSession(recordId, "zh"));
    assertThrows(IllegalStateException.class, () -> new Sync(other, request -> null).sync());

    store.close();  // closes the session still open on it first
    assertTrue(open.isClosed());
    assertThrows(IllegalStateException.class, open::questions);
    assertThrows(IllegalStateException.class, store::pendingCount);

    CancelToken token = new CancelToken();
    token.close();
    token.cancel();  // after close: nothing
    CurlTransport curl = new CurlTransport();
    curl.close();
    store = TestSupport.openStore(dir.resolve("tablet.db"), keys);  // the same key again
    assertThrows(IllegalStateException.class, () -> new Sync(store, curl).sync());
    assertThrows(IllegalStateException.class, () -> new Sync(store, request -> null)
        .sync(null, token));
  }

  @Test
  void transportFailuresAreReported() {
    // A transport that throws a RuntimeException: that exception, unchanged.
    IllegalArgumentException bad = new IllegalArgumentException("bad proxy setting");
    Sync sync = new Sync(store, request -> { throw bad; });
    assertSame(bad, assertThrows(IllegalArgumentException.class,
        () -> sync.enroll("http://127.0.0.1:9", "token", "TAB-X")));
    // No answer (IOException): UNAVAILABLE, retried by the library, never an IOException here.
    Sync offline = new Sync(store, request -> { throw new IOException("no network"); });
    DoorstepException e = assertThrows(DoorstepException.class,
        () -> offline.enroll("http://127.0.0.1:9", "token", "TAB-X"));
    assertEquals(DoorstepException.Code.UNAVAILABLE, e.code(), e.getMessage());
  }

  @Test
  void keyStoreFailuresFailTheOpen() {
    assumeTrue(Doorstep.encryptionAvailable(), "the key store is asked only by encrypted builds");
    GeneralSecurityException denied = new GeneralSecurityException("user not authenticated");
    DoorstepException e = assertThrows(DoorstepException.class,
        () -> Store.open(dir.resolve("k1.db").toString(), keyId -> { throw denied; }));
    assertEquals(DoorstepException.Code.FAILED_PRECONDITION, e.code());
    assertSame(denied, e.getCause());
    IllegalStateException locked = new IllegalStateException("keystore locked");
    assertSame(locked, assertThrows(IllegalStateException.class,
        () -> Store.open(dir.resolve("k2.db").toString(), keyId -> { throw locked; })));

    TestSupport.MemoryKeyStore keys = new TestSupport.MemoryKeyStore();
    Store.open(dir.resolve("k3.db").toString(), keys).close();
    assertEquals(1, keys.calls);
    assertEquals(DoorstepException.Code.WRONG_KEY, code(() ->
        Store.open(dir.resolve("k3.db").toString(), keyId -> Doorstep.randomBytes(32))));
  }
}
