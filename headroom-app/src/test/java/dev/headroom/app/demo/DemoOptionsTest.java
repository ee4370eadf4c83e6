package dev.headroom.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {
  @Test
  void defaultsAreTheIssuesDemo() {
    assertEquals(new DemoOptions(2_000, 90, false, 42), DemoOptions.parse(List.of()));
  }

  @Test
  void readsEveryOption() {
    assertEquals(
        new DemoOptions(50, 30, true, 7),
        DemoOptions.parse(List.of("--accounts", "50", "--days", "30", "--exit", "--seed", "7")));
  }

  @Test
  void namesWhatIsWrong() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(List.of("--fast")))
            .getMessage()
            .contains("--fast"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(List.of("--accounts")))
            .getMessage()
            .contains("--accounts needs a value"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> DemoOptions.parse(List.of("--days", "0")))
            .getMessage()
            .contains("--days"));
  }
}
