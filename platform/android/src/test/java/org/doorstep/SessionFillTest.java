package org.doorstep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry household form filled through the session API, as an app screen would. */
class SessionFillTest {
  private Path dir;
  private Store store;
  private String recordId;

  @BeforeEach
  void setUp() throws Exception {
    dir = TestSupport.tempDir("fill");
    store = TestSupport.openStore(dir.resolve("tablet.db"), new TestSupport.MemoryKeyStore());
    store.setAuthor("S017", "TAB-0042");
    store.installForm(TestSupport.householdForm());
    store.installForm(TestSupport.householdForm());  // the same bytes again: a no-op
    recordId = store.createRecord("household");
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  @Test
  void libraryVersion() {
    assertEquals(Doorstep.ABI_VERSION, Doorstep.abiVersion());
    assertFalse(Doorstep.version().isEmpty());
    assertEquals(32, Doorstep.randomBytes(32).length);
  }

  @Test
  void formsAndRecordsAreListed() {
    List<FormInfo> forms = store.forms();
    assertEquals(1, forms.size());
    assertEquals("household", forms.get(0).id());
    assertEquals("2026.1", forms.get(0).version());
    assertEquals("建档立卡贫困户调查登记表", forms.get(0).title("zh"));
    assertEquals("Registered poor household survey", forms.get(0).title("en"));
    assertEquals(1, forms.get(0).recordCount());
    List<RecordInfo> records = store.findRecords("household", null, 0);
    assertEquals(1, records.size());
    assertEquals(recordId, records.get(0).id());
    assertEquals(RecordState.DRAFT, records.get(0).state());
  }

  @Test
  void fillSignAndFinalizeLikeAScreen() {
    try (FormSession session = store.openSession(recordId, "zh")) {
      HouseholdScreen screen = new HouseholdScreen(session, "坪新冲村");
      assertEquals("户主签字", screen.rows.get("sig_head").label());
      screen.fillAll();
      screen.assertScreenMatchesSession();

      // Members are listed with their names, the rare character (outside the BMP) intact.
      List<Instance> members = session.instances("members");
      assertEquals(3, members.size());
      assertEquals(HouseholdScreen.MEMBERS.stream().map(m -> m.name).collect(Collectors.toList()),
          members.stream().map(Instance::label).collect(Collectors.toList()));
      assertEquals("𠀾小明", session.question("members[3]/m_name").valueText());
      // Calculations: birth date from the id number, household size from the members.
      assertEquals("2012-05-01", session.question("members[3]/m_birth_date").valueText());
      assertEquals("3", session.question("household_size").valueText());

      // Unsigned: finalize lists every error at once and changes nothing.
      FinalizeResult refused = session.finalizeRecord();
      assertFalse(refused.finalized());
      List<String> errorPaths =
          refused.errors().stream().map(ValidationError::path).collect(Collectors.toList());
      assertTrue(errorPaths.containsAll(
                     List.of("sig_head", "sig_responsible", "sig_surveyor", "sig_team_leader")),
          refused.errors().toString());
      assertEquals(RecordState.DRAFT, session.state());
      assertEquals("sig_head", session.firstError());

      screen.signAll();
      assertTrue(session.validate().isEmpty(), session.validate().toString());
      assertNull(session.firstError());
      assertTrue(session.signatureSvg("sig_head").contains("<svg"));

      // A correction after signing makes the signatures stale; they sign again.
      Changes stale = session.setText("inc_wage", "12500");
      screen.apply(stale);
      for (String sig :
          List.of("sig_head", "sig_responsible", "sig_surveyor", "sig_team_leader")) {
        assertTrue(stale.contains(sig, Change.Kind.SIGNATURE_STALE), sig + ": " + stale);
        assertEquals(SignatureState.STALE, screen.rows.get(sig).signatureState());
      }
      assertEquals("sig_head", session.firstError());
      screen.signAll();
      screen.assertScreenMatchesSession();

      FinalizeResult done = session.finalizeRecord();
      assertTrue(done.finalized(), done.errors().toString());
      assertTrue(done.changes().paths(Change.Kind.READ_ONLY).contains("head_name"));
      screen.apply(done.changes());
      screen.assertScreenMatchesSession();
      assertEquals(RecordState.FINALIZED, session.state());
      assertTrue(session.question("head_name").readOnly());

      // A correction: reopen (editable again), then finalize again (the signatures still hold).
      Changes reopened = session.reopen();
      assertTrue(reopened.paths(Change.Kind.READ_ONLY).contains("head_name"));
      assertEquals(RecordState.DRAFT, session.state());
      assertFalse(session.question("head_name").readOnly());
      assertTrue(session.finalizeRecord().finalized());
    }
    assertEquals(RecordState.FINALIZED, store.findRecords("household", null, 0).get(0).state());
    assertTrue(store.pendingCount() > 0);
    assertFalse(store.auditTrail(recordId).isEmpty());
  }

  @Test
  void navigationLanguageRepeatsAndValues() {
    try (FormSession session = store.openSession(recordId, "en")) {
      assertEquals("Household head signature", session.question("sig_head").label());
      session.setLanguage("zh");
      assertEquals("户主签字", session.question("sig_head").label());

      String first = session.next(null);
      assertNotNull(first);
      assertEquals(first, session.previous(session.next(first)));
      assertNull(session.previous(first));

      Changes added = session.addInstance("members");
      String member = added.instancePath();
      assertEquals(1, session.instances("members").size());
      Changes named = session.setText("members[1]/m_name", "张三");
      assertTrue(named.contains(member, Change.Kind.LABEL), named.toString());
      assertEquals("张三", session.instances("members").get(0).label());

      // Values as serialized doorstep.v1.Value bytes: copy one field's value to another.
      session.setText("county", "黎平县");
      byte[] bytes = session.question("county").valueBytes();
      assertNotNull(bytes);
      session.setValue("township", bytes);
      assertEquals("黎平县", session.question("township").valueText());
      Changes cleared = session.clear("township");
      assertTrue(cleared.contains("township", Change.Kind.VALUE));
      assertFalse(session.question("township").hasValue());

      Changes removed = session.removeInstance(member);
      assertTrue(removed.contains(member, Change.Kind.REMOVED), removed.toString());
      assertTrue(session.instances("members").isEmpty());

      Changes none = session.refresh();
      assertTrue(none.isEmpty(), none.toString());
    }
  }

  @Test
  void finalizedRecordsReopenAndDeletedRecordsGo() {
    try (FormSession session = store.openSession(recordId, null)) {
      assertEquals(RecordState.DRAFT, session.state());
    }
    String other = store.createRecord("household", "2026.1");
    assertEquals(2, store.findRecords(null, null, 0).size());
    assertEquals(1, store.findRecords(null, null, 1).size());
    store.deleteRecord(other);
    assertEquals(1, store.findRecords("household", null, 0).size());
  }
}
