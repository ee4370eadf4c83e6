package dev.headroom.kit.testing.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The package layout every Headroom service follows, as ArchUnit rules over one service's root
 * package (see docs/architecture.md for the reasons):
 *
 * <ul>
 *   <li>only the edge ({@link #EDGE_PACKAGES}) sees the wire: proto, protobuf and gRPC types;
 *   <li>the domain core ({@link #CORE_PACKAGES}) sees neither the wire nor the database, nor any
 *       other package of the service;
 *   <li>{@code db/} depends on nothing of the service but the domain core;
 *   <li>the edge (but the app wiring) reaches the database only through the use cases;
 *   <li>no cycles between the service's top-level packages.
 * </ul>
 *
 * <p>A service applies it with one test:
 *
 * <pre>{@code
 * class ArchitectureTest {
 *   @TestFactory
 *   Stream<DynamicTest> followsTheServiceLayering() {
 *     return ServiceLayering.of("dev.headroom.signal").tests();
 *   }
 * }
 * }</pre>
 *
 * A violation fails the rule's test with ArchUnit's report, which names each offending class, the
 * class it depends on and where in the source.
 */
public final class ServiceLayering {
  /**
   * Packages that translate between the wire and the service: app wiring, gRPC adapters, HTTP
   * routes, consumers of an upstream service's watch streams, and the proto mapping they share when
   * more than one of them needs it.
   */
  public static final List<String> EDGE_PACKAGES =
      List.of("app", "grpc", "http", "consume", "mapping");

  /** Packages of the plain domain core: records, sealed types and pure computation. */
  public static final List<String> CORE_PACKAGES = List.of("domain", "engine");

  /** Generated contract types and the libraries that carry them. */
  private static final String[] WIRE = {"dev.headroom.api..", "com.google.protobuf..", "io.grpc.."};

  /** Persistence libraries. */
  private static final String[] PERSISTENCE = {
    "org.jdbi..", "java.sql..", "javax.sql..", "org.postgresql..", "dev.headroom.kit.db.."
  };

  private final String root;
  private final JavaClasses classes;

  private ServiceLayering(String root, JavaClasses classes) {
    this.root = root;
    this.classes = classes;
  }

  /** The rules over the production classes (never the tests) of {@code rootPackage}. */
  public static ServiceLayering of(String rootPackage) {
    return of(
        rootPackage,
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(rootPackage));
  }

  /** The rules over already imported classes (the rule set's own tests use sample packages). */
  public static ServiceLayering of(String rootPackage, JavaClasses classes) {
    return new ServiceLayering(rootPackage, classes);
  }

  /** Only the edge depends on proto, protobuf or gRPC types. */
  public ArchRule wireOnlyAtTheEdge() {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and()
        .resideOutsideOfPackages(sub(EDGE_PACKAGES))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(WIRE)
        .as(
            "only the edge packages "
                + EDGE_PACKAGES
                + " of "
                + root
                + " depend on proto, protobuf or gRPC types")
        .because("the wire format is mapped at the edge, so the use cases and the core are plain");
  }

  /** The domain core depends on no wire, no persistence and no other package of the service. */
  public ArchRule coreIsPlain() {
    return noClasses()
        .that()
        .resideInAnyPackage(sub(CORE_PACKAGES))
        .should()
        .dependOnClassesThat(
            resideInAnyPackage(WIRE)
                .or(resideInAnyPackage(PERSISTENCE))
                .or(resideInAPackage(root + "..").and(not(resideInAnyPackage(sub(CORE_PACKAGES))))))
        .as(
            "the domain core "
                + CORE_PACKAGES
                + " of "
                + root
                + " depends on no wire, database or other package of the service")
        .because("the core is pure computation over domain types, testable without I/O")
        .allowEmptyShould(true);
  }

  /** {@code db/} depends on nothing of the service but itself and the domain core. */
  public ArchRule dbNeverImportsUpward() {
    return noClasses()
        .that()
        .resideInAPackage(root + ".db..")
        .should()
        .dependOnClassesThat(
            resideInAPackage(root + "..")
                .and(not(resideInAPackage(root + ".db..")))
                .and(not(resideInAnyPackage(sub(CORE_PACKAGES)))))
        .as(root + ".db depends on no package of the service but the domain core")
        .because("the use cases call the DAOs, never the other way round")
        .allowEmptyShould(true);
  }

  /**
   * The edge (but {@code app/}, which constructs everything) depends on no DAO, row type or
   * persistence library: adapters call use cases, which own transactions.
   */
  public ArchRule edgeReachesTheDatabaseOnlyThroughUseCases() {
    return noClasses()
        .that()
        .resideInAnyPackage(sub(EDGE_PACKAGES.stream().filter(p -> !p.equals("app")).toList()))
        .should()
        .dependOnClassesThat(resideInAPackage(root + ".db..").or(resideInAnyPackage(PERSISTENCE)))
        .as(
            "the edge packages of "
                + root
                + " but app depend on no db package, DAO, row or persistence library")
        .because("use cases own the transactions and hand the edge domain types")
        .allowEmptyShould(true);
  }

  /** No dependency cycle between the service's top-level packages. */
  public ArchRule noCyclesBetweenPackages() {
    return slices()
        .matching(root + ".(*)..")
        .namingSlices("$1/")
        .should()
        .beFreeOfCycles()
        .as("the top-level packages of " + root + " are free of cycles")
        .because("each package can then be read, tested and changed from the bottom up");
  }

  public List<ArchRule> rules() {
    return List.of(
        wireOnlyAtTheEdge(),
        coreIsPlain(),
        dbNeverImportsUpward(),
        edgeReachesTheDatabaseOnlyThroughUseCases(),
        noCyclesBetweenPackages());
  }

  /** The outcome of every rule, for tests that assert a violation is found. */
  public List<EvaluationResult> evaluate() {
    return rules().stream().map(r -> r.evaluate(classes)).toList();
  }

  /** One test per rule, named by the rule; a failing rule reports every offending dependency. */
  public Stream<DynamicTest> tests() {
    return rules().stream()
        .map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(classes)));
  }

  private String[] sub(List<String> names) {
    return names.stream().map(n -> root + "." + n + "..").toArray(String[]::new);
  }
}
