package org.doorstep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills the registry household form (forms/registry/household.json) through the session API only,
 * the way an app's survey screen does: it shows the questions once, steps through the relevant
 * ones with next(), answers each by its type, and after every answer updates only the rows the
 * change list names; a question that appears (skip logic) or is inserted (a new member) is
 * answered in reaction to that change. It knows field names only to pick plausible values.
 */
final class HouseholdScreen {
  static final String HEAD_NAME = "彭福娥";

  /** One household member to enter. */
  static final class Member {
    final String name;
    final String idNumber;
    final String relation;
    final String health;
    final String change;  // null: no change this year

    Member(String name, String idNumber, String relation, String health, String change) {
      this.name = name;
      this.idNumber = idNumber;
      this.relation = relation;
      this.health = health;
      this.change = change;
    }

    boolean male() {
      return (idNumber.charAt(16) - '0') % 2 == 1;
    }
  }

  /** The three members: the head, her disabled husband, a son who moved in (a rare CJK name). */
  static final List<Member> MEMBERS = List.of(
      new Member(HEAD_NAME, residentId("522631", "19761206", 242), "head", "chronic_illness", null),
      new Member("陈平", residentId("522631", "19740311", 113), "spouse", "disabled", null),
      new Member("𠀾小明", residentId("522631", "20120501", 17), "son", "healthy", "move_in"));

  final FormSession session;
  final String village;
  /** The rows on screen: path -> question as last read. */
  final Map<String, Question> rows = new LinkedHashMap<>();
  /** Paths answered because a change made them appear or inserted them. */
  final List<String> reacted = new ArrayList<>();
  private final Map<String, Member> memberOfInstance = new HashMap<>();
  private final LocalDate today = LocalDate.now();

  HouseholdScreen(FormSession session, String village) {
    this.session = session;
    this.village = village;
    for (Question q : session.questions()) rows.put(q.path(), q);
  }

  /** Everything up to the signatures: household, 3 members, an assistance measure. */
  void fillAll() {
    walk();
    for (Member m : MEMBERS) addInstance("members", m);
    addInstance("measures", null);
    walk();
    assertTrue(reacted.stream().anyMatch(p -> p.equals("lifted_year")), "lifted_year appeared");
    assertTrue(reacted.stream().anyMatch(p -> p.endsWith("/m_disability_grade")), "grade appeared");
    assertTrue(reacted.stream().anyMatch(p -> p.endsWith("/m_change_date")), "date appeared");
  }

  /** Steps through the relevant field questions and answers the empty ones. */
  void walk() {
    for (String p = session.next(null); p != null; p = session.next(p)) {
      Question q = rows.get(p);
      assertNotNull(q, "next() returned a path not on screen: " + p);
      if (needsAnswer(q)) answer(q, false);
    }
  }

  /** Adds a repeat instance and answers its fields as they are inserted. */
  String addInstance(String repeat, Member member) {
    Changes changes = session.addInstance(repeat);
    String instance = changes.instancePath();
    assertFalse(instance.isEmpty(), "addInstance names the new instance");
    assertTrue(changes.contains(instance, Change.Kind.INSERTED), "the instance is inserted");
    if (member != null) memberOfInstance.put(instance, member);
    apply(changes);
    react(changes);
    return instance;
  }

  /** Answers question q by its type; reacts to the questions the answer made appear. */
  void answer(Question q, boolean reaction) {
    String text = valueFor(q);
    if (text == null) return;
    Changes changes = session.setText(q.path(), text);
    assertTrue(changes.contains(q.path(), Change.Kind.VALUE), "the edit itself: " + q.path());
    if (reaction) reacted.add(q.path());
    apply(changes);
    react(changes);
  }

  private void react(Changes changes) {
    for (Change c : changes) {
      if (c.kind() != Change.Kind.APPEARED && c.kind() != Change.Kind.INSERTED) continue;
      Question q = rows.get(c.path());
      if (q != null && needsAnswer(q)) answer(q, true);
    }
  }

  /** What a screen does with a change list: re-read only the rows it names. */
  void apply(Changes changes) {
    for (Change c : changes) {
      if (c.kind() == Change.Kind.REMOVED) {
        rows.remove(c.path());
        continue;
      }
      Question q = session.question(c.path());
      assertNotNull(q, "a changed path is a question: " + c);
      rows.put(c.path(), q);
    }
  }

  /** The screen kept only from change lists equals a fresh snapshot. */
  void assertScreenMatchesSession() {
    Map<String, Question> fresh = new LinkedHashMap<>();
    for (Question q : session.questions()) fresh.put(q.path(), q);
    assertEquals(fresh.keySet(), new java.util.HashSet<>(rows.keySet()), "the same rows");
    for (Question f : fresh.values()) {
      Question r = rows.get(f.path());
      String where = f.path();
      assertEquals(f.relevant(), r.relevant(), "relevant " + where);
      assertEquals(f.required(), r.required(), "required " + where);
      assertEquals(f.readOnly(), r.readOnly(), "read-only " + where);
      assertEquals(f.display(), r.display(), "display " + where);
      assertEquals(f.label(), r.label(), "label " + where);
      assertEquals(f.errorCode(), r.errorCode(), "error " + where);
      assertEquals(f.signatureState(), r.signatureState(), "signature " + where);
    }
  }

  static boolean needsAnswer(Question q) {
    if (q.kind() != Question.Kind.FIELD || !q.relevant() || q.readOnly() || q.hasValue()) {
      return false;
    }
    switch (q.type()) {
      case SIGNATURE:
      case NOTE:
      case ATTACHMENT:
      case GROUP:
      case REPEAT:
        return false;
      default:
        return true;
    }
  }

  /** A plausible answer for q as text, or null to leave it empty. */
  String valueFor(Question q) {
    Member m = memberOf(q.path());
    if (m != null) return memberValue(q, m);
    switch (q.name()) {
      case "county": return "黎平县";
      case "county_code": return "522631";
      case "township": return "高屯街道";
      case "village": return village;
      case "village_group": return "第五村民组";
      case "household_no": return "5226310020300001";
      case "head_name": return HEAD_NAME;
      case "mobile": return "13800138000";
      case "poverty_status": return "lifted";  // makes lifted_year appear (and required)
      case "status_year": return "2024";
      case "identification_year": return "2016";
      case "lifted_year": return "2020";
      case "poverty_line": return "4000";
      case "main_cause": return "illness";
      case "other_causes": return "lack_capital lack_skills";
      case "inc_wage": return "12000";
      case "inc_production": return "3200";
      case "production_costs": return "1453";
      case "house_area": return "86.5";
      case "gps": return "26.311821 107.803902 0 23";
      case "visit_date": return today.minusDays(2).toString();
      case "surveyors": return "刘山林、杜秋龙";  // two different surveyors are required
      case "exit_deadline_year": return "2020";  // 脱贫时限: not before identification_year
      case "team_leader": return "蒋玉林";
      case "a_year": return "2021";
      default: return byType(q);
    }
  }

  private String memberValue(Question q, Member m) {
    switch (q.name()) {
      case "m_name": return m.name;
      case "m_id_number": return m.idNumber;
      case "m_relation": return m.relation;
      case "m_sex": return m.male() ? "male" : "female";
      case "m_health": return m.health;
      case "m_disability_grade": return "2";
      case "m_migrant_months": return "2";
      case "m_change": return m.change;
      case "m_change_date": return today.minusDays(30).toString();
      default: return byType(q);
    }
  }

  private String byType(Question q) {
    switch (q.type()) {
      case TEXT: return "测试";
      case INTEGER: return "1";
      case DECIMAL: return "100";
      case DATE: return today.minusDays(10).toString();
      case SELECT_ONE:
      case SELECT_MULTIPLE:
        assertFalse(q.choices().isEmpty(), "choices of " + q.path());
        return q.choices().get(0).value();
      case GEOPOINT: return "26.3 107.8";
      default: return null;
    }
  }

  private Member memberOf(String path) {
    int slash = path.indexOf("]/");
    return slash < 0 ? null : memberOfInstance.get(path.substring(0, slash + 1));
  }

  /** A pen stroke or two, as a tablet's signature pad would report them. */
  static List<Point> strokes(int seed) {
    List<Point> points = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      for (int i = 0; i < 12; i++) {
        points.add(new Point(20 + i * 15 + seed, 40 + (int) (20 * Math.sin(i + s + seed)),
            s * 400 + i * 16, 500 + i, s));
      }
    }
    return points;
  }

  /**
   * Signs the four required signatures (the head's by proxy: her son writes for her; the
   * 脱贫责任人 signs for himself).
   */
  void signAll() {
    sign("sig_head", HEAD_NAME, "陈小明", 1);
    sign("sig_responsible", "魏芳超", null, 4);
    sign("sig_surveyor", "刘山林", null, 2);
    sign("sig_team_leader", "蒋玉林", null, 3);
  }

  void sign(String path, String signer, String proxy, int seed) {
    Changes changes = session.sign(path, signer, proxy, 480, 240, strokes(seed));
    assertTrue(changes.contains(path, Change.Kind.SIGNATURE), "signed: " + changes);
    apply(changes);
    Question q = rows.get(path);
    assertEquals(SignatureState.VALID, q.signatureState());
    assertEquals(signer, q.signerName());
    assertEquals(proxy == null ? "" : proxy, q.proxySignerName());
  }

  /** GB 11643 resident id: 6-digit region, birth date, 3-digit sequence (odd = male), check. */
  static String residentId(String region, String birth, int sequence) {
    String body = region + birth + String.format("%03d", sequence);
    int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) sum += (body.charAt(i) - '0') * weights[i];
    return body + "10X98765432".charAt(sum % 11);
  }
}
