package dev.headroom.prompt.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.headroom.kit.testing.arch.ServiceLayering;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The package layout of docs/architecture.md, checked over this service's production classes. The
 * rule that the edge reaches the database only through use cases is left out: consume/ContextFeeds
 * still stores the watched context with JDBI itself, until that storage moves into a use case.
 */
class ArchitectureTest {
  private static final String ROOT = "dev.headroom.prompt";

  @TestFactory
  Stream<DynamicTest> followsTheServiceLayering() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
    ServiceLayering layering = ServiceLayering.of(ROOT, classes);
    return Stream.of(
            layering.wireOnlyAtTheEdge(),
            layering.coreIsPlain(),
            layering.dbNeverImportsUpward(),
            layering.noCyclesBetweenPackages())
        .map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(classes)));
  }
}
