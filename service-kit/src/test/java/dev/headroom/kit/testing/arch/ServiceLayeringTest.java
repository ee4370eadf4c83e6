package dev.headroom.kit.testing.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceLayeringTest {
  private static final String GOOD = "dev.headroom.kit.testing.arch.sample.good";
  private static final String BAD = "dev.headroom.kit.testing.arch.sample.bad";

  private static ServiceLayering layering(String root) {
    JavaClasses classes = new ClassFileImporter().importPackages(root);
    return ServiceLayering.of(root, classes);
  }

  @Test
  void aServiceThatFollowsTheLayoutPassesEveryRule() {
    for (EvaluationResult result : layering(GOOD).evaluate()) {
      assertFalse(result.hasViolation(), () -> result.getFailureReport().toString());
    }
  }

  @Test
  void eachViolationIsReportedByNameUnderItsRule() {
    List<EvaluationResult> results = layering(BAD).evaluate();
    String wire = report(results.get(0));
    String core = report(results.get(1));
    String db = report(results.get(2));
    String edge = report(results.get(3));
    String cycles = report(results.get(4));

    assertTrue(
        wire.contains("LeakyWidget") && wire.contains("com.google.protobuf.Timestamp"), wire);
    assertTrue(core.contains("LeakyWidget"), core);
    assertTrue(db.contains("UpwardDao") && db.contains("CyclicService"), db);
    assertTrue(edge.contains("DaoCallingAdapter") && edge.contains("UpwardDao"), edge);
    assertTrue(cycles.contains("Cycle detected") && cycles.contains("db/"), cycles);
  }

  @Test
  void aViolationFailsTheServicesTest() {
    ServiceLayering bad = layering(BAD);
    assertEquals(5, bad.tests().count());
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () ->
                bad.tests()
                    .filter(t -> t.getDisplayName().contains(".db "))
                    .findFirst()
                    .orElseThrow()
                    .getExecutable()
                    .execute());
    assertTrue(failure.getMessage().contains("UpwardDao"), failure.getMessage());
  }

  private static String report(EvaluationResult result) {
    assertTrue(result.hasViolation(), "expected a violation");
    return result.getFailureReport().toString();
  }
}
