package dev.headroom.prompt.arch;

import dev.headroom.kit.testing.arch.ServiceLayering;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The package layout of docs/architecture.md, checked over this service's production classes. */
class ArchitectureTest {
  @TestFactory
  Stream<DynamicTest> followsTheServiceLayering() {
    return ServiceLayering.of("dev.headroom.prompt").tests();
  }
}
