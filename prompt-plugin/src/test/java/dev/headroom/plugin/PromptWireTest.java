package dev.headroom.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PromptWireTest {
  @Test
  void everyReasonTheContractNamesReachesTheHostByName() {
    for (var wire : dev.headroom.api.prompt.v1.NoPromptReason.values()) {
      if (wire == dev.headroom.api.prompt.v1.NoPromptReason.NO_PROMPT_REASON_UNSPECIFIED
          || wire == dev.headroom.api.prompt.v1.NoPromptReason.UNRECOGNIZED) {
        continue;
      }
      NoPromptReason mapped = PromptWire.reason(wire);
      assertNotEquals(NoPromptReason.UNSPECIFIED, mapped, wire + " has no name in the client");
      assertTrue(mapped.decidedByService(), wire + " is prompt-service's own answer");
    }
  }

  @Test
  void everyRoleReachesPromptServiceByTheSameName() {
    for (UserRole role : UserRole.values()) {
      assertEquals("USER_ROLE_" + role.name(), PromptWire.role(role).name());
    }
    assertEquals(dev.headroom.api.common.v1.UserRole.USER_ROLE_UNSPECIFIED, PromptWire.role(null));
  }
}
